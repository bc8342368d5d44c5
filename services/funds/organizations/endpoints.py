"""HTTP handlers for political organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from starlette.responses import Response

from services.funds.organizations import service
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds import Organization, OrganizationIn, OrganizationKind
from shared.values import RowId
from shared.web.etag import check_if_match
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["organizations"])


@router.post("/organizations", status_code=201, response_model=Organization)
async def register_organization(
    body: OrganizationIn, write: WriteDep, principal: Principal = require_scopes("funds:admin")
) -> Response:
    """Register a political organization and the client that files its reports."""
    row = await service.register(session=write.session, body=body)
    return write.respond(
        service.to_model(row, principal), version=row.version, location=f"/funds/v1/organizations/{row.id}"
    )


@router.get("/organizations", response_model=Page[Organization])
async def list_organizations(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    kind: Annotated[OrganizationKind | None, Query()] = None,
    party_id: RowId | None = None,
    politician_id: RowId | None = None,
) -> Page[Organization]:
    """Registered organizations (public), optionally of one kind, party or politician."""
    return await service.list_page(
        session, page, principal, kind=kind, party_id=party_id, politician_id=politician_id
    )


@router.get("/organizations/{organization_id}", response_model=Organization)
async def get_organization(
    organization_id: RowId, database: DatabaseDep, principal: OptionalPrincipal
) -> Response:
    row = await service.read(database, organization_id)
    return json_response(service.to_model(row, principal), version=row.version)


@router.put("/organizations/{organization_id}", response_model=Organization)
async def replace_organization(
    organization_id: RowId,
    body: OrganizationIn,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("funds:admin"),
) -> Response:
    """Change an organization's details (representative, treasurer, relations, dissolution)."""
    current = await service.get_or_404(session, organization_id)
    check_if_match(if_match, current.version)
    row = await service.replace(
        session=session, organization_id=organization_id, body=body, expected_version=current.version
    )
    return json_response(service.to_model(row, principal), version=row.version)
