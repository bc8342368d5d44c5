"""HTTP handlers for annual reports: filing, amendments, versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from starlette.responses import Response

from services.funds.organizations import service as organization_service
from services.funds.reports import service
from services.funds.state import RulesDep
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds import AmendmentIn, ReportIn, ReportVersion, ReportVersionSummary
from shared.values import RowId
from shared.web.etag import check_if_match
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["reports"])
Year = Annotated[int, Path(ge=1947, le=2200)]
VersionNumber = Annotated[int, Path(ge=1, le=10_000)]


def _location(organization_id: int, year: int, version: int) -> str:
    return f"/funds/v1/organizations/{organization_id}/reports/{year}/versions/{version}"


@router.post("/organizations/{organization_id}/reports", status_code=201, response_model=ReportVersion)
async def file_report(
    organization_id: RowId,
    body: ReportIn,
    write: WriteDep,
    rules: RulesDep,
    principal: Principal = require_scopes("funds:file"),
) -> Response:
    """File the organization's annual report (only its own filer client may)."""
    organization = await organization_service.filer_organization(write.session, principal, organization_id)
    created = await service.file_report(
        session=write.session, principal=principal, organization=organization, body=body, rules=rules
    )
    return write.respond(created, version=created.version, location=_location(organization_id, body.year, 1))


@router.post(
    "/organizations/{organization_id}/reports/{year}/amendments",
    status_code=201,
    response_model=ReportVersion,
)
async def amend_report(
    organization_id: RowId,
    year: Year,
    body: AmendmentIn,
    write: WriteDep,
    rules: RulesDep,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("funds:file"),
) -> Response:
    """File an amendment: a new version that becomes current; If-Match names the version amended."""
    organization = await organization_service.filer_organization(write.session, principal, organization_id)
    report = await service.report_to_amend(write.session, organization_id, year)
    check_if_match(if_match, report.version)
    created = await service.amend_report(
        session=write.session,
        principal=principal,
        organization=organization,
        report=report,
        body=body,
        rules=rules,
    )
    return write.respond(
        created, version=created.version, location=_location(organization_id, year, created.version)
    )


@router.get("/organizations/{organization_id}/reports/{year}", response_model=ReportVersion)
async def get_report(
    organization_id: RowId, year: Year, session: SessionDep, principal: OptionalPrincipal
) -> Response:
    """The current version; the public sees only itemized lines, cut to the municipality."""
    organization = await organization_service.get_or_404(session, organization_id)
    full = service.sees_full_detail(principal, organization)
    current = await service.read_version(session, organization, year, None, full=full)
    return json_response(current, version=current.version)


@router.get(
    "/organizations/{organization_id}/reports/{year}/versions", response_model=list[ReportVersionSummary]
)
async def list_report_versions(
    organization_id: RowId, year: Year, session: SessionDep, principal: OptionalPrincipal
) -> list[ReportVersionSummary]:
    """The amendment chain, original first."""
    organization = await organization_service.get_or_404(session, organization_id)
    report = await service.report_or_404(
        session, organization_id, year, full=service.sees_full_detail(principal, organization)
    )
    return await service.list_versions(session, report, organization)


@router.get(
    "/organizations/{organization_id}/reports/{year}/versions/{version}", response_model=ReportVersion
)
async def get_report_version(
    organization_id: RowId,
    year: Year,
    version: VersionNumber,
    session: SessionDep,
    principal: OptionalPrincipal,
) -> ReportVersion:
    organization = await organization_service.get_or_404(session, organization_id)
    full = service.sees_full_detail(principal, organization)
    return await service.read_version(session, organization, year, version, full=full)
