"""HTTP handlers for party-subsidy allocation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from services.funds.state import ElectionsClientsDep, RulesDep
from services.funds.subsidies import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds import StoredSubsidyAllocation, SubsidyAllocation, SubsidyRequest
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["party subsidies"])


@router.post("/party-subsidies/calculations", response_model=SubsidyAllocation)
async def calculate_party_subsidies(
    body: SubsidyRequest,
    rules: RulesDep,
    clients: ElectionsClientsDep,
    _: Principal = require_scopes("funds:admin"),
) -> SubsidyAllocation:
    """Compute a year's allocation from the inputs (nothing is recorded)."""
    return await service.compute(request=body, rules=rules, clients=clients)


@router.post("/party-subsidies/allocations", status_code=201, response_model=StoredSubsidyAllocation)
async def record_party_subsidy_allocation(
    body: SubsidyRequest,
    write: WriteDep,
    rules: RulesDep,
    clients: ElectionsClientsDep,
    principal: Principal = require_scopes("funds:admin"),
) -> Response:
    """Compute and record the year's allocation (once per year)."""
    stored = await service.record(
        session=write.session, request=body, rules=rules, clients=clients, created_by=principal.client_id
    )
    return write.respond(stored, location=f"/funds/v1/party-subsidies/allocations/{body.year}")


@router.get("/party-subsidies/allocations/{year}", response_model=StoredSubsidyAllocation)
async def get_party_subsidy_allocation(
    year: Annotated[int, Path(ge=1947, le=2200)], session: SessionDep
) -> StoredSubsidyAllocation:
    """A recorded allocation (public)."""
    return await service.get(session=session, year=year)
