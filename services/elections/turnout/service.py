"""Turnout figures for a scope: the whole election, a station, a municipality or a contest's district."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.elections.overseas import service as overseas
from services.elections.results.service import covers
from services.elections.setup import repository as setup_repository
from services.elections.setup.service import require_election
from services.elections.turnout import repository
from services.elections.turnout.figures import AGE_BANDS, age_band, age_on, day_bounds, hour_marks, percent
from shared.contracts.elections import (
    AgeBand,
    FinalTurnout,
    HourlyFigure,
    HourlyTurnout,
    TurnoutBySex,
    TurnoutFigure,
)
from shared.web.problems import BadRequest, NotFound

SEXES = ("male", "female")


def _sex(value: str) -> str:
    return value if value in SEXES else "other"


def _figure(electors: int, voters: int) -> TurnoutFigure:
    return TurnoutFigure(electors=electors, voters=voters, turnout_percent=percent(voters, electors))


def _by_sex(electors: Counter[str], voters: Counter[str]) -> TurnoutBySex:
    parts = {s: _figure(electors[s], voters[s]) for s in (*SEXES, "other")}
    total = _figure(sum(electors.values()), sum(voters.values()))
    return TurnoutBySex(male=parts["male"], female=parts["female"], other=parts["other"], total=total)


@dataclass(frozen=True, slots=True)
class Scope:
    """A scope of turnout: its label, its filter on the roll, the election, and the municipalities
    (None: the whole election) and whether it is one station's (the overseas roll has no station)."""

    label: str
    filters: list[ColumnElement[bool]]
    election: Any
    codes: list[str] | None
    station: bool


async def _scope(
    session: AsyncSession,
    election_id: int,
    *,
    station_id: int | None,
    local_government_code: str | None,
    contest_id: int | None,
) -> Scope:
    election = await require_election(session, election_id)
    given = [x for x in (station_id, local_government_code, contest_id) if x is not None]
    if len(given) > 1:
        raise BadRequest(
            "Give at most one of station_id, local_government_code and contest_id.", slug="one-scope"
        )
    codes: list[str] | None = None
    label = "election"
    if station_id is not None:
        station = await setup_repository.get_station(session, station_id)
        if station is None or station.election_id != election_id:
            raise NotFound(f"No station {station_id} in election {election_id}.", slug="station-not-found")
        label = f"station:{station_id}"
    elif local_government_code is not None:
        codes, label = [local_government_code], f"municipality:{local_government_code}"
    elif contest_id is not None:
        contest = await setup_repository.get_contest(session, contest_id)
        if contest is None or contest.election_id != election_id:
            raise NotFound(f"No contest {contest_id} in election {election_id}.", slug="contest-not-found")
        areas = (await setup_repository.areas_of(session, [contest_id]))[contest_id]
        codes = [c for c in await repository.roll_municipalities(session, election_id) if covers(areas, c)]
        label = f"contest:{contest_id}"
    filters = repository.scope_filter(election_id, station_id=station_id, codes=codes)
    return Scope(label, filters, election, codes, station_id is not None)


async def final_turnout(
    *,
    session: AsyncSession,
    election_id: int,
    station_id: int | None = None,
    local_government_code: str | None = None,
    contest_id: int | None = None,
) -> FinalTurnout:
    where = await _scope(
        session,
        election_id,
        station_id=station_id,
        local_government_code=local_government_code,
        contest_id=contest_id,
    )
    label, scope, election = where.label, where.filters, where.election
    day = election.polling_day
    electors_by_sex: Counter[str] = Counter()
    electors_by_band: Counter[str] = Counter()
    for row in await repository.electors(session, scope, day):
        electors_by_sex[_sex(row.sex)] += row.n
        electors_by_band[age_band(age_on(row.birth_date, day))] += row.n
    suspended = await repository.suspended_on_roll(session, scope, day)
    voters_by_sex: Counter[str] = Counter()
    voters_by_band: Counter[str] = Counter()
    by_method: Counter[str] = Counter({"ordinary": 0, "early": 0, "absentee": 0})
    for row in await repository.voters(session, scope):
        voters_by_sex[_sex(row.sex)] += row.n
        voters_by_band[age_band(age_on(row.birth_date, day))] += row.n
        by_method[row.method] += row.n
    bands = [
        AgeBand(
            band=band,
            figure=TurnoutFigure(
                electors=electors_by_band[band],
                voters=voters_by_band[band],
                turnout_percent=percent(voters_by_band[band], electors_by_band[band]),
            ),
        )
        for band in AGE_BANDS
    ]
    abroad = None if where.station else await overseas.turnout(session, election, where.codes)
    by_sex = _by_sex(electors_by_sex, voters_by_sex)
    return FinalTurnout(
        election_id=election_id,
        scope=label,
        by_sex=by_sex,
        by_method=dict(by_method),
        by_age_band=bands,
        registered=sum(electors_by_sex.values()) + suspended,
        suspended_on_polling_day=suspended,
        overseas=abroad,
        with_overseas=None
        if abroad is None
        else _figure(by_sex.total.electors + abroad.electors, by_sex.total.voters + abroad.voters),
    )


async def hourly_turnout(
    *,
    session: AsyncSession,
    election_id: int,
    station_id: int | None = None,
    local_government_code: str | None = None,
    contest_id: int | None = None,
) -> HourlyTurnout:
    where = await _scope(
        session,
        election_id,
        station_id=station_id,
        local_government_code=local_government_code,
        contest_id=contest_id,
    )
    label, scope, election = where.label, where.filters, where.election
    electors_by_sex: Counter[str] = Counter()
    for row in await repository.electors(session, scope, election.polling_day):
        electors_by_sex[_sex(row.sex)] += row.n
    start, _ = day_bounds(election.polling_day)
    hours = []
    for mark, instant in hour_marks(election.polling_day):
        counted: Counter[str] = Counter()
        for row in await repository.ordinary_voters_before(
            session, scope, start.astimezone(UTC), instant.astimezone(UTC)
        ):
            counted[_sex(row.sex)] += row.n
        hours.append(HourlyFigure(as_of=mark, by_sex=_by_sex(electors_by_sex, counted)))
    return HourlyTurnout(
        election_id=election_id, scope=label, polling_day=election.polling_day.isoformat(), hours=hours
    )
