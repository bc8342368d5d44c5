"""HTTP handlers for campaign finance reports: filing, amendments, versions, publication."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from starlette.responses import Response

from services.funds.campaigns import service
from services.funds.state import ElectionsClientsDep, RulesDep
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.campaign_finance import (
    CampaignAmendmentIn,
    CampaignReportIn,
    CampaignReportSummary,
    CampaignReportVersion,
)
from shared.values import RowId
from shared.web.etag import check_if_match
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["campaign reports"])
VersionNumber = Annotated[int, Path(ge=1, le=10_000)]


def _location(report_id: int, version: int) -> str:
    return f"/funds/v1/campaign-reports/{report_id}/versions/{version}"


@router.post("/campaign-reports", status_code=201, response_model=CampaignReportVersion)
async def file_campaign_report(
    body: CampaignReportIn,
    write: WriteDep,
    rules: RulesDep,
    clients: ElectionsClientsDep,
    principal: Principal = require_scopes("funds:file"),
) -> Response:
    """The treasurer files a candidate's campaign report; the cap is computed from the roll."""
    created = await service.file_report(
        session=write.session, principal=principal, body=body, rules_on=rules, clients=clients
    )
    return write.respond(created, version=1, location=_location(created.report_id, 1))


@router.post(
    "/campaign-reports/{report_id}/amendments", status_code=201, response_model=CampaignReportVersion
)
async def amend_campaign_report(
    report_id: RowId,
    body: CampaignAmendmentIn,
    write: WriteDep,
    rules: RulesDep,
    clients: ElectionsClientsDep,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("funds:file"),
) -> Response:
    """An amendment: a new version that becomes current; If-Match names the version amended."""
    report = await service.report_to_amend(write.session, principal, report_id)
    check_if_match(if_match, report.version)
    created = await service.amend_report(
        session=write.session, principal=principal, report=report, body=body, rules_on=rules, clients=clients
    )
    return write.respond(created, version=created.version, location=_location(report_id, created.version))


@router.get("/campaign-reports", response_model=Page[CampaignReportSummary])
async def list_campaign_reports(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    election_id: Annotated[RowId | None, Query(description="Only this election's reports.")] = None,
) -> Page[CampaignReportSummary]:
    """The filed reports (their current versions), oldest filing first."""
    return await service.list_page(session, page, election_id=election_id, principal=principal)


@router.get("/campaign-reports/{report_id}", response_model=CampaignReportVersion)
async def get_campaign_report(
    report_id: RowId, session: SessionDep, principal: OptionalPrincipal
) -> Response:
    """The current version; the public sees the itemized lines only, addresses cut to the municipality."""
    report, full = await service.report_or_404(session, report_id, principal)
    current = await service.read_version(session, report.id, None, full=full)
    return json_response(current, version=current.version)


@router.get("/campaign-reports/{report_id}/versions", response_model=list[CampaignReportSummary])
async def list_campaign_report_versions(
    report_id: RowId, session: SessionDep, principal: OptionalPrincipal
) -> list[CampaignReportSummary]:
    """The amendment chain, original first."""
    report, _ = await service.report_or_404(session, report_id, principal)
    return await service.list_versions(session, report)


@router.get("/campaign-reports/{report_id}/versions/{version}", response_model=CampaignReportVersion)
async def get_campaign_report_version(
    report_id: RowId, version: VersionNumber, session: SessionDep, principal: OptionalPrincipal
) -> CampaignReportVersion:
    report, full = await service.report_or_404(session, report_id, principal)
    return await service.read_version(session, report.id, version, full=full)
