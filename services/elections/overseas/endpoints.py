"""HTTP: applications to the overseas roll, its entries, their review, and votes from abroad."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.elections.overseas import service
from services.elections.roll.endpoints import PERSONAL_READ, RollReadDep
from services.elections.state import EmigrationSourceDep
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import (
    CheckIn,
    OverseasApplication,
    OverseasApplicationIn,
    OverseasEntry,
    OverseasVoteIn,
)
from shared.values import LocalGovernmentCode, RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import ReadSessionDep, SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["overseas roll"])


@router.post(
    "/overseas-applications",
    status_code=201,
    response_model=OverseasApplication,
    summary="Record an application to the overseas roll and decide it (art. 30-4, 30-5)",
    description="The registry (through the gateway) gives the move abroad and the last domestic "
    "municipality, whose overseas roll the person joins with its next number. `state` is registered, "
    "refused, or pending (three months abroad still to come, or the move abroad not recorded yet).",
)
async def apply_overseas(
    body: OverseasApplicationIn,
    write: WriteDep,
    source: EmigrationSourceDep,
    principal: Principal = require_scopes("elections:admin"),
) -> Response:
    created = await service.apply(session=write.session, source=source, actor=principal.client_id, data=body)
    return write.respond(created, location=f"/elections/v1/overseas-applications/{created.id}")


@router.post(
    "/overseas-applications/{application_id}/decisions",
    response_model=OverseasApplication,
    summary="Decide a pending application again (e.g. once three months abroad have passed)",
)
async def redecide_overseas_application(
    session: SessionDep,
    source: EmigrationSourceDep,
    application_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> OverseasApplication:
    return await service.redecide(
        session=session, source=source, actor=principal.client_id, application_id=application_id
    )


@router.get(
    "/overseas-applications/{application_id}",
    response_model=OverseasApplication,
    summary="An application to the overseas roll",
    description=PERSONAL_READ,
)
async def get_overseas_application(
    reader: ReadSessionDep, read: RollReadDep, application_id: RowId
) -> OverseasApplication:
    return await service.get_application(reader=reader, read=read, application_id=application_id)


@router.get(
    "/overseas-roll/entries",
    response_model=Page[OverseasEntry],
    summary="Entries of the overseas rolls (removed ones included), by municipality",
    description=PERSONAL_READ,
)
async def list_overseas_entries(
    session: SessionDep,
    read: RollReadDep,
    page: PageParams,
    local_government_code: Annotated[LocalGovernmentCode | None, Query()] = None,
) -> Page[OverseasEntry]:
    return await service.list_entries(
        session=session, read=read, local_government_code=local_government_code, page=page
    )


@router.get(
    "/overseas-roll/entries/{entry_id}",
    response_model=OverseasEntry,
    summary="An entry of an overseas roll",
    description=PERSONAL_READ,
)
async def get_overseas_entry(reader: ReadSessionDep, read: RollReadDep, entry_id: RowId) -> OverseasEntry:
    return await service.get_entry(reader=reader, read=read, entry_id=entry_id)


@router.post(
    "/overseas-roll/entries/{entry_id}/reviews",
    response_model=OverseasEntry,
    summary="Review an entry against the registry: remove it on death, loss of nationality or four months "
    "after a return to Japan (art. 30-11); mark a return (audited)",
)
async def review_overseas_entry(
    session: SessionDep,
    source: EmigrationSourceDep,
    entry_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> OverseasEntry:
    return await service.review_entry(
        session=session, source=source, actor=principal.client_id, entry_id=entry_id
    )


@router.post(
    "/elections/{election_id}/overseas-votes",
    status_code=201,
    response_model=CheckIn,
    summary="Record a vote from the overseas roll (national elections only; 409 if they already voted)",
)
async def record_overseas_vote(
    body: OverseasVoteIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:clerk"),
) -> Response:
    created = await service.vote(
        session=write.session, clerk=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(created)
