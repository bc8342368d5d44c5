"""HTTP: building and syncing the roll, explaining a decision, listing voters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from starlette.responses import Response

from services.elections.roll import builds, service
from services.elections.roll.readlog import RollRead, RollReader
from services.elections.state import ElectionsStateDep, LiveBuildsDep, ReadLogDep, ResidentSourceDep
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import RollBuild, RollBuildIn, RollDecision, RollSync, Voter
from shared.values import LocalGovernmentCode, ResidentCode, RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.purpose import PurposeHeader, decode_purpose
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["voter roll"])


@router.post(
    "/elections/{election_id}/roll/builds",
    status_code=202,
    response_model=RollBuild,
    summary="Build the roll from the registry's bulk extract (replaces the previous roll once it succeeds)",
    description="Answers 202 at once with the build's `Location`; poll it until `state` is `succeeded` "
    "or `failed`. One build per election runs at a time (409 otherwise).",
)
async def build_roll(
    write: WriteDep,
    background: BackgroundTasks,
    state: ElectionsStateDep,
    database: DatabaseDep,
    election_id: RowId,
    body: RollBuildIn | None = None,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    build = await builds.request_build(
        session=write.session,
        actor=principal.client_id,
        election_id=election_id,
        data=body or RollBuildIn(),
        live=state.live_builds,
    )
    # Runs after the response, so after the transaction that recorded the build committed.
    background.add_task(builds.start_worker, state, database, election_id, build.id)
    return write.respond(
        build,
        status_code=202,
        headers={"Retry-After": "2"},
        location=builds.location(election_id, build.id),
    )


@router.get(
    "/elections/{election_id}/roll/builds/{build_id}",
    response_model=RollBuild,
    summary="A build of the roll: its state, counts, and the problem when it failed",
)
async def get_roll_build(
    session: SessionDep,
    live: LiveBuildsDep,
    election_id: RowId,
    build_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> RollBuild:
    return await builds.get_build(session=session, election_id=election_id, build_id=build_id, live=live)


@router.post(
    "/elections/{election_id}/roll/syncs",
    response_model=RollSync,
    summary="Apply the registry's change feed since the stored cursor",
)
async def sync_roll(
    session: SessionDep,
    database: DatabaseDep,
    source: ResidentSourceDep,
    live: LiveBuildsDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> RollSync:
    return await service.sync_roll(
        session=session,
        database=database,
        source=source,
        actor=principal.client_id,
        election_id=election_id,
        live=live,
    )


def roll_read(
    log: ReadLogDep, purpose: PurposeHeader = None, principal: Principal = require_scopes("elections:read")
) -> RollRead:
    """The reader and purpose of a roll read (the purpose checked after the token and scope)."""
    return RollRead(RollReader(client_id=principal.client_id, purpose=decode_purpose(purpose)), log)


RollReadDep = Annotated[RollRead, Depends(roll_read)]
PERSONAL_READ = (
    "A read of personal data: it needs `X-Purpose`, and every resident it answers with is logged in the "
    "registry's access log (where the resident's disclosure shows it) before it is answered."
)


@router.get(
    "/elections/{election_id}/roll/residents/{resident_code}",
    response_model=RollDecision,
    summary="Why a resident is or is not on the roll",
    description=PERSONAL_READ,
)
async def explain_roll_decision(
    session: SessionDep, read: RollReadDep, resident_code: ResidentCode, election_id: RowId
) -> RollDecision:
    return await service.explain(
        session=session, read=read, election_id=election_id, resident_code=resident_code
    )


@router.get(
    "/elections/{election_id}/roll/voters",
    response_model=Page[Voter],
    summary="Voters on the roll",
    description=PERSONAL_READ,
)
async def list_voters(
    session: SessionDep,
    read: RollReadDep,
    page: PageParams,
    election_id: RowId,
    station_id: RowId | None = None,
    local_government_code: Annotated[LocalGovernmentCode | None, Query()] = None,
) -> Page[Voter]:
    return await service.list_voters(
        session=session,
        read=read,
        page=page,
        election_id=election_id,
        station_id=station_id,
        local_government_code=local_government_code,
    )
