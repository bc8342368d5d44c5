"""HTTP handlers for politicians and their totals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.funds.disclosure.service import sees_everything
from services.funds.politicians import service
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds_feed import Politician, PoliticianIn, PoliticianTotals
from shared.values import RowId, utc_now
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["politicians"])


@router.post("/politicians", status_code=201, response_model=Politician)
async def register_politician(
    body: PoliticianIn, write: WriteDep, _principal: Principal = require_scopes("funds:admin")
) -> Response:
    """Register a politician (member or candidate); organizations then name them by politician_id."""
    row = await service.register(write.session, body)
    return write.respond(
        service.to_model(row), version=row.version, location=f"/funds/v1/politicians/{row.id}"
    )


@router.get("/politicians", response_model=Page[Politician])
async def list_politicians(session: SessionDep, page: PageParams) -> Page[Politician]:
    return await service.list_page(session, page)


@router.get("/politicians/{politician_id}", response_model=Politician)
async def get_politician(politician_id: RowId, session: SessionDep) -> Response:
    row = await service.get_or_404(session, politician_id)
    return json_response(service.to_model(row), version=row.version)


@router.get("/politicians/{politician_id}/totals", response_model=PoliticianTotals)
async def get_politician_totals(
    politician_id: RowId,
    session: SessionDep,
    principal: OptionalPrincipal,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
) -> PoliticianTotals:
    """The politician's income, expenditure and donations per year, across every organization that
    belongs to them and per organization, from their current reports (public ones for the public)."""
    politician = await service.get_or_404(session, politician_id)
    public_on = None if sees_everything(principal) else utc_now().date()
    return await service.totals(session, politician, public_on=public_on, year=year)
