"""HTTP: public turnout figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.elections.turnout import service
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.elections import FinalTurnout, HourlyTurnout
from shared.values import LocalGovernmentCode, RowId
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["turnout"])

ScopeStation = Annotated[RowId | None, Query(description="One polling station (voters assigned to it).")]
ScopeMunicipality = Annotated[LocalGovernmentCode | None, Query(description="One municipality.")]
ScopeContest = Annotated[RowId | None, Query(description="A contest's district.")]


@router.get(
    "/elections/{election_id}/turnout",
    response_model=FinalTurnout,
    summary="Turnout (public): by sex, by voting method, by age band",
)
async def get_turnout(
    session: SessionDep,
    _: OptionalPrincipal,
    election_id: RowId,
    station_id: ScopeStation = None,
    local_government_code: ScopeMunicipality = None,
    contest_id: ScopeContest = None,
) -> FinalTurnout:
    return await service.final_turnout(
        session=session,
        election_id=election_id,
        station_id=station_id,
        local_government_code=local_government_code,
        contest_id=contest_id,
    )


@router.get(
    "/elections/{election_id}/turnout/hourly",
    response_model=HourlyTurnout,
    summary="Interim hourly turnout on polling day (public), polling-day voters only, by sex",
)
async def get_hourly_turnout(
    session: SessionDep,
    _: OptionalPrincipal,
    election_id: RowId,
    station_id: ScopeStation = None,
    local_government_code: ScopeMunicipality = None,
    contest_id: ScopeContest = None,
) -> HourlyTurnout:
    return await service.hourly_turnout(
        session=session,
        election_id=election_id,
        station_id=station_id,
        local_government_code=local_government_code,
        contest_id=contest_id,
    )
