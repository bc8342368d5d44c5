"""HTTP: elections, contests, counting districts, polling stations, parties and candidates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from starlette.responses import Response

from services.elections.setup import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import (
    Candidate,
    CandidateIn,
    Contest,
    ContestIn,
    CountingDistrict,
    CountingDistrictIn,
    Election,
    ElectionIn,
    Party,
    PartyIn,
    PollingStation,
    PollingStationIn,
)
from shared.values import RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["elections"])


@router.post("/elections", status_code=201, response_model=Election, summary="Create an election")
async def create_election(
    body: ElectionIn, write: WriteDep, principal: Principal = require_scopes("elections:admin")
) -> Response:
    election = await service.create_election(session=write.session, actor=principal.client_id, data=body)
    return write.respond(
        election, version=election.version, location=f"/elections/v1/elections/{election.id}"
    )


@router.get("/elections", response_model=Page[Election], summary="List elections")
async def list_elections(
    session: SessionDep, page: PageParams, _: Principal = require_scopes("elections:read")
) -> Page[Election]:
    return await service.list_elections(session=session, page=page)


@router.get("/elections/{election_id}", response_model=Election, summary="Get an election")
async def get_election(
    reader: DatabaseDep, election_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    election = await service.get_election(reader=reader, election_id=election_id)
    return json_response(election, version=election.version)


@router.put(
    "/elections/{election_id}", response_model=Election, summary="Correct an election (If-Match required)"
)
async def replace_election(
    body: ElectionIn,
    session: SessionDep,
    election_id: RowId,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    election = await service.replace_election(
        session=session, actor=principal.client_id, election_id=election_id, data=body, if_match=if_match
    )
    return json_response(election, version=election.version)


@router.post(
    "/elections/{election_id}/contests", status_code=201, response_model=Contest, summary="Add a contest"
)
async def create_contest(
    body: ContestIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    contest = await service.create_contest(
        session=write.session, actor=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(contest, location=f"/elections/v1/contests/{contest.id}")


@router.get(
    "/elections/{election_id}/contests", response_model=Page[Contest], summary="List an election's contests"
)
async def list_contests(
    session: SessionDep, election_id: RowId, _: Principal = require_scopes("elections:read")
) -> Page[Contest]:
    return Page[Contest](items=await service.list_contests(session=session, election_id=election_id))


@router.get("/contests/{contest_id}", response_model=Contest, summary="Get a contest")
async def get_contest(
    reader: DatabaseDep, contest_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    contest = await service.get_contest(reader=reader, contest_id=contest_id)
    return json_response(contest, version=contest.version)


@router.put("/contests/{contest_id}", response_model=Contest, summary="Correct a contest (If-Match required)")
async def replace_contest(
    body: ContestIn,
    session: SessionDep,
    contest_id: RowId,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    contest = await service.replace_contest(
        session=session, actor=principal.client_id, contest_id=contest_id, data=body, if_match=if_match
    )
    return json_response(contest, version=contest.version)


@router.post(
    "/elections/{election_id}/counting-districts",
    status_code=201,
    response_model=CountingDistrict,
    summary="Add a counting district (開票区)",
)
async def create_counting_district(
    body: CountingDistrictIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    district = await service.create_counting_district(
        session=write.session, actor=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(district)


@router.get(
    "/elections/{election_id}/counting-districts",
    response_model=Page[CountingDistrict],
    summary="List counting districts",
)
async def list_counting_districts(
    session: SessionDep,
    page: PageParams,
    election_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> Page[CountingDistrict]:
    return await service.list_counting_districts(session=session, election_id=election_id, page=page)


@router.post(
    "/elections/{election_id}/polling-stations",
    status_code=201,
    response_model=PollingStation,
    summary="Add a polling station serving address areas",
)
async def create_polling_station(
    body: PollingStationIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    station = await service.create_polling_station(
        session=write.session, actor=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(station)


@router.get(
    "/elections/{election_id}/polling-stations",
    response_model=Page[PollingStation],
    summary="List polling stations",
)
async def list_polling_stations(
    session: SessionDep,
    page: PageParams,
    election_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> Page[PollingStation]:
    return await service.list_polling_stations(session=session, election_id=election_id, page=page)


@router.get("/polling-stations/{station_id}", response_model=PollingStation, summary="Get a polling station")
async def get_polling_station(
    reader: DatabaseDep, station_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    station = await service.get_polling_station(reader=reader, station_id=station_id)
    return json_response(station, version=station.version)


@router.put(
    "/polling-stations/{station_id}",
    response_model=PollingStation,
    summary="Correct a polling station (If-Match required); its voters follow the new address areas",
)
async def replace_polling_station(
    body: PollingStationIn,
    session: SessionDep,
    station_id: RowId,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    station = await service.replace_polling_station(
        session=session, actor=principal.client_id, station_id=station_id, data=body, if_match=if_match
    )
    return json_response(station, version=station.version)


@router.post(
    "/elections/{election_id}/parties", status_code=201, response_model=Party, summary="Register a party"
)
async def create_party(
    body: PartyIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    party = await service.create_party(
        session=write.session, actor=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(party)


@router.get("/elections/{election_id}/parties", response_model=Page[Party], summary="List parties")
async def list_parties(
    session: SessionDep,
    page: PageParams,
    election_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> Page[Party]:
    return await service.list_parties(session=session, election_id=election_id, page=page)


@router.post(
    "/contests/{contest_id}/candidates",
    status_code=201,
    response_model=Candidate,
    summary="Register a candidate (with list position in proportional contests)",
)
async def create_candidate(
    body: CandidateIn,
    write: WriteDep,
    contest_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    candidate = await service.create_candidate(
        session=write.session, actor=principal.client_id, contest_id=contest_id, data=body
    )
    return write.respond(candidate)


@router.get("/contests/{contest_id}/candidates", response_model=Page[Candidate], summary="List candidates")
async def list_candidates(
    session: SessionDep,
    page: PageParams,
    contest_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> Page[Candidate]:
    return await service.list_candidates(session=session, contest_id=contest_id, page=page)


@router.get("/candidates/{candidate_id}", response_model=Candidate, summary="Get a candidate")
async def get_candidate(
    reader: DatabaseDep, candidate_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    candidate = await service.get_candidate(reader=reader, candidate_id=candidate_id)
    return json_response(candidate, version=candidate.version)


@router.put(
    "/candidates/{candidate_id}", response_model=Candidate, summary="Correct a candidacy (If-Match required)"
)
async def replace_candidate(
    body: CandidateIn,
    session: SessionDep,
    candidate_id: RowId,
    if_match: Annotated[str | None, Header()] = None,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    candidate = await service.replace_candidate(
        session=session, actor=principal.client_id, candidate_id=candidate_id, data=body, if_match=if_match
    )
    return json_response(candidate, version=candidate.version)
