"""HTTP: elections, contests, counting districts, polling stations, parties and candidates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from sqlalchemy import select
from starlette.responses import Response

from services.elections.setup import repository, service
from services.elections.tables import candidates, counting_districts, elections, parties, polling_stations
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
from shared.web.etag import etag_for
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(tags=["elections"])


@router.post("/elections", status_code=201, response_model=Election, summary="Create an election")
async def create_election(
    body: ElectionIn, write: WriteDep, principal: Principal = require_scopes("elections:admin")
) -> Response:
    election = await service.create_election(session=write.session, actor=principal.client_id, data=body)
    return write.respond(
        election,
        headers={"ETag": etag_for(election.version), "Location": f"/elections/v1/elections/{election.id}"},
    )


@router.get("/elections", response_model=Page[Election], summary="List elections")
async def list_elections(
    session: SessionDep, page: PageParams, _: Principal = require_scopes("elections:read")
) -> Page[Election]:
    rows, token = await keyset_page(
        session,
        repository.elections_listing(),
        sort_columns=[elections.c.id],
        page=page,
        fingerprint=query_fingerprint("list_elections"),
        position_of=lambda row: [row.id],
    )
    return Page[Election](items=[service.election_model(row) for row in rows], next_page_token=token)


@router.get("/elections/{election_id}", response_model=Election, summary="Get an election")
async def get_election(
    session: SessionDep, election_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    election = service.election_model(await service.require_election(session, election_id))
    return json_response(election, headers={"ETag": etag_for(election.version)})


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
    return json_response(election, headers={"ETag": etag_for(election.version)})


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
    return write.respond(contest, headers={"Location": f"/elections/v1/contests/{contest.id}"})


@router.get(
    "/elections/{election_id}/contests", response_model=Page[Contest], summary="List an election's contests"
)
async def list_contests(
    session: SessionDep, election_id: RowId, _: Principal = require_scopes("elections:read")
) -> Page[Contest]:
    return Page[Contest](items=await service.list_contests(session=session, election_id=election_id))


@router.get("/contests/{contest_id}", response_model=Contest, summary="Get a contest")
async def get_contest(
    session: SessionDep, contest_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    contest = await service.get_contest(session=session, contest_id=contest_id)
    return json_response(contest, headers={"ETag": etag_for(contest.version)})


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
    return json_response(contest, headers={"ETag": etag_for(contest.version)})


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
    await service.require_election(session, election_id)
    rows, token = await keyset_page(
        session,
        select(counting_districts).where(counting_districts.c.election_id == election_id),
        sort_columns=[counting_districts.c.id],
        page=page,
        fingerprint=query_fingerprint("list_counting_districts", election_id=election_id),
        position_of=lambda row: [row.id],
    )
    return Page[CountingDistrict](
        items=[CountingDistrict.model_validate(row._mapping) for row in rows], next_page_token=token
    )


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
    await service.require_election(session, election_id)
    rows, token = await keyset_page(
        session,
        repository.stations_listing(election_id),
        sort_columns=[polling_stations.c.id],
        page=page,
        fingerprint=query_fingerprint("list_polling_stations", election_id=election_id),
        position_of=lambda row: [row.id],
    )
    return Page[PollingStation](items=[service.station_model(row) for row in rows], next_page_token=token)


@router.get("/polling-stations/{station_id}", response_model=PollingStation, summary="Get a polling station")
async def get_polling_station(
    session: SessionDep, station_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    station = service.station_model(await service.require_station(session, station_id))
    return json_response(station, headers={"ETag": etag_for(station.version)})


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
    return json_response(station, headers={"ETag": etag_for(station.version)})


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
    await service.require_election(session, election_id)
    rows, token = await keyset_page(
        session,
        select(parties).where(parties.c.election_id == election_id),
        sort_columns=[parties.c.id],
        page=page,
        fingerprint=query_fingerprint("list_parties", election_id=election_id),
        position_of=lambda row: [row.id],
    )
    return Page[Party](items=[Party.model_validate(row._mapping) for row in rows], next_page_token=token)


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
    await service.require_contest(session, contest_id)
    rows, token = await keyset_page(
        session,
        select(candidates).where(candidates.c.contest_id == contest_id),
        sort_columns=[candidates.c.id],
        page=page,
        fingerprint=query_fingerprint("list_candidates", contest_id=contest_id),
        position_of=lambda row: [row.id],
    )
    return Page[Candidate](items=[service.candidate_model(row) for row in rows], next_page_token=token)


@router.get("/candidates/{candidate_id}", response_model=Candidate, summary="Get a candidate")
async def get_candidate(
    session: SessionDep, candidate_id: RowId, _: Principal = require_scopes("elections:read")
) -> Response:
    candidate = service.candidate_model(await service.require_candidate(session, candidate_id))
    return json_response(candidate, headers={"ETag": etag_for(candidate.version)})


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
    return json_response(candidate, headers={"ETag": etag_for(candidate.version)})
