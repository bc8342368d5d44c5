"""HTTP: notices of suspended voting rights and their lifting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.elections.roll.endpoints import PERSONAL_READ, RollReadDep
from services.elections.suspensions import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import Suspension, SuspensionIn, SuspensionLiftIn
from shared.values import ResidentCode, RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import ReadSessionDep, SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["suspended voting rights"])


@router.post(
    "/suspensions",
    status_code=201,
    response_model=Suspension,
    summary="Record a notice that a person does not have the vote (art. 11, 252; audited)",
    description="The person stays on every roll, marked (表示, art. 27); check-in refuses them on a day "
    "the suspension covers.",
)
async def record_suspension(
    body: SuspensionIn, write: WriteDep, principal: Principal = require_scopes("elections:admin")
) -> Response:
    created = await service.record(session=write.session, actor=principal.client_id, data=body)
    return write.respond(created, location=f"/elections/v1/suspensions/{created.id}")


@router.post(
    "/suspensions/{suspension_id}/lift",
    response_model=Suspension,
    summary="Lift a suspension from a date (audited); the mark goes",
)
async def lift_suspension(
    body: SuspensionLiftIn,
    session: SessionDep,
    suspension_id: RowId,
    principal: Principal = require_scopes("elections:admin"),
) -> Suspension:
    return await service.lift(
        session=session, actor=principal.client_id, suspension_id=suspension_id, data=body
    )


@router.get(
    "/suspensions/{suspension_id}",
    response_model=Suspension,
    summary="A suspension of the vote",
    description=PERSONAL_READ,
)
async def get_suspension(reader: ReadSessionDep, read: RollReadDep, suspension_id: RowId) -> Suspension:
    return await service.get(reader=reader, read=read, suspension_id=suspension_id)


@router.get(
    "/suspensions",
    response_model=Page[Suspension],
    summary="Suspensions of the vote, oldest first",
    description=PERSONAL_READ,
)
async def list_suspensions(
    session: SessionDep,
    read: RollReadDep,
    page: PageParams,
    resident_code: Annotated[ResidentCode | None, Query()] = None,
) -> Page[Suspension]:
    return await service.list_suspensions(session=session, read=read, resident_code=resident_code, page=page)
