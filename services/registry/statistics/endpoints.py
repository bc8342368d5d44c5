"""HTTP handlers of the statistics: public reads (no token needed), no personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.registry.settings import RegistrySettings
from services.registry.state import CodeMasterDep
from services.registry.statistics import service
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.registry import MovementStatistics, PopulationStatistics
from shared.values import CalendarDate, LocalGovernmentCode
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import ReadSessionDep
from shared.web.state import state_of

router = APIRouter(route_class=PlannedRoute, tags=["statistics"])

Codes = Annotated[
    list[LocalGovernmentCode] | None,
    Query(
        max_length=100,
        description="Only these municipalities (repeat the parameter); default: every one with residents.",
    ),
]


def _min_cell(request: Request) -> int:
    settings: RegistrySettings = state_of(request.app).settings
    return settings.statistics_min_cell


@router.get(
    "/statistics/population",
    response_model=PopulationStatistics,
    summary="Population by municipality, sex and age band, and households, on a date",
    description="Counted from the register's history as now believed: the people registered "
    "(active) in each municipality on `as_of`, under the code their record held on that date. "
    "Cells from 1 to REGISTRY_STATISTICS_MIN_CELL - 1 are null and flagged; totals add the "
    "published cells only.",
)
async def get_population_statistics(
    request: Request,
    session: ReadSessionDep,
    master: CodeMasterDep,
    _: OptionalPrincipal,
    as_of: Annotated[CalendarDate, Query(description="The date counted (age is counted on it).")],
    local_government_code: Codes = None,
) -> Response:
    codes = service.known_codes(master.snapshot, local_government_code)
    return json_response(await service.population(session, as_of, codes, min_cell=_min_cell(request)))


@router.get(
    "/statistics/movements",
    response_model=MovementStatistics,
    summary="Births, deaths, moves in and out and other changes by municipality over a period",
    description="Entries and removals effective in [`from_date`, `to_date`) (the end is exclusive), "
    "by the municipality entered or left (its code as the record held it) and sex. Suppression "
    "as for the population.",
)
async def get_movement_statistics(
    request: Request,
    session: ReadSessionDep,
    master: CodeMasterDep,
    _: OptionalPrincipal,
    from_date: Annotated[CalendarDate, Query(description="First day of the period.")],
    to_date: Annotated[CalendarDate, Query(description="The day after the period's last day.")],
    local_government_code: Codes = None,
) -> Response:
    codes = service.known_codes(master.snapshot, local_government_code)
    return json_response(
        await service.movements(session, from_date, to_date, codes, min_cell=_min_cell(request))
    )
