"""HTTP: building and syncing the roll, explaining a decision, listing voters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from services.elections.elections.service import require_election
from services.elections.roll import repository, service
from services.elections.roll.source import ResidentSource
from services.elections.tables import roll_entries
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import RollBuild, RollDecision, RollSync, Voter
from shared.values import LocalGovernmentCode, ResidentCode
from shared.web.idempotency import SessionDep
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint

router = APIRouter(tags=["voter roll"])

ElectionId = Path(ge=1, le=2**31 - 1)


def resident_source(request: Request) -> ResidentSource:
    source: ResidentSource = request.app.state.resident_source
    return source


@router.post(
    "/elections/{election_id}/roll/builds",
    status_code=201,
    response_model=RollBuild,
    summary="Build the roll from the registry's bulk extract (replaces the previous build)",
)
async def build_roll(
    request: Request,
    session: SessionDep,
    election_id: int = ElectionId,
    principal: Principal = require_scopes("elections:admin"),
) -> RollBuild:
    return await service.build_roll(
        session=session, source=resident_source(request), actor=principal.client_id, election_id=election_id
    )


@router.post(
    "/elections/{election_id}/roll/syncs",
    response_model=RollSync,
    summary="Apply the registry's change feed since the stored cursor",
)
async def sync_roll(
    request: Request,
    session: SessionDep,
    election_id: int = ElectionId,
    principal: Principal = require_scopes("elections:admin"),
) -> RollSync:
    return await service.sync_roll(
        session=session, source=resident_source(request), actor=principal.client_id, election_id=election_id
    )


@router.get(
    "/elections/{election_id}/roll/residents/{resident_code}",
    response_model=RollDecision,
    summary="Why a resident is or is not on the roll",
)
async def explain_roll_decision(
    session: SessionDep,
    resident_code: ResidentCode,
    election_id: int = ElectionId,
    _: Principal = require_scopes("elections:read"),
) -> RollDecision:
    return await service.explain(session=session, election_id=election_id, resident_code=resident_code)


@router.get("/elections/{election_id}/roll/voters", response_model=Page[Voter], summary="Voters on the roll")
async def list_voters(
    session: SessionDep,
    page: PageParams,
    election_id: int = ElectionId,
    station_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    local_government_code: Annotated[LocalGovernmentCode | None, Query()] = None,
    _: Principal = require_scopes("elections:read"),
) -> Page[Voter]:
    await require_election(session, election_id)
    rows, token = await keyset_page(
        session,
        repository.voters_listing(election_id, station_id, local_government_code),
        sort_columns=[roll_entries.c.resident_code],
        page=page,
        fingerprint=query_fingerprint(
            "list_voters", election_id=election_id, station_id=station_id, code=local_government_code
        ),
        position_of=lambda row: [row.resident_code],
    )
    return Page[Voter](items=[Voter.model_validate(row._mapping) for row in rows], next_page_token=token)
