"""HTTP: check-ins and their undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from services.elections.checkins import service
from services.elections.checkins.service import CheckInDesk
from services.elections.state import elections_state_of
from shared.auth.dependencies import caller_of, require_scopes, with_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import CheckIn, CheckInIn, CheckInUndoIn
from shared.values import ResidentCode, RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.routes import json_body_as, path_parameter, shaped_route
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["check-ins"])

CLERK = ("elections:clerk",)


def _desk_for(request: Request) -> CheckInDesk | None:
    """The desk that records a check-in in one statement, unless the request carries an
    Idempotency-Key: its first response is then kept in the transaction of the check-in itself,
    which the request's write session holds. (A plain call, not a dependency: one fewer for FastAPI
    to solve on the busiest route.)"""
    if "idempotency-key" in request.headers:
        return None
    return elections_state_of(request.app).check_in_desk


def check_in_body(content_type: str | None, body: bytes) -> CheckInIn | None:
    return json_body_as(CheckInIn, content_type, body)


async def _check_in_at_desk(request: Request) -> Response | None:
    """`check_in_voter` for the request it nearly always is: at the desk (no Idempotency-Key, on
    PostgreSQL), with a body the model takes; FastAPI's handler of the route answers any other.
    Same order of checks as the route: the body (read before anything), the token and its
    scope, the election id."""
    desk = _desk_for(request)
    if desk is None:
        return None
    data = check_in_body(request.headers.get("content-type"), await request.body())
    if data is None:
        return None
    principal = with_scopes(await caller_of(request), CLERK)
    election_id = path_parameter(request, "election_id")
    created = await service.check_in_at_desk(
        desk=desk, clerk=principal.client_id, election_id=election_id, data=data
    )
    return json_response(created, status_code=201)


@shaped_route(
    router,
    "/elections/{election_id}/check-ins",
    method="POST",
    answered_first_by_handler=_check_in_at_desk,
    status_code=201,
    response_model=CheckIn,
    summary="Check a voter in (409 if they already voted anywhere in this election)",
)
async def check_in_voter(
    body: CheckInIn,
    write: WriteDep,
    election_id: RowId,
    request: Request,
    principal: Principal = require_scopes(*CLERK),
) -> Response:
    desk = _desk_for(request)
    if desk is None:
        created = await service.check_in(
            session=write.session, clerk=principal.client_id, election_id=election_id, data=body
        )
    else:
        created = await service.check_in_at_desk(
            desk=desk, clerk=principal.client_id, election_id=election_id, data=body
        )
    return write.respond(created)


@router.get(
    "/elections/{election_id}/check-ins/{check_in_id}", response_model=CheckIn, summary="Get a check-in"
)
async def get_check_in(
    reader: DatabaseDep,
    election_id: RowId,
    check_in_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> CheckIn:
    return await service.get_check_in(reader=reader, election_id=election_id, check_in_id=check_in_id)


@router.get("/elections/{election_id}/check-ins", response_model=Page[CheckIn], summary="List check-ins")
async def list_check_ins(
    session: SessionDep,
    page: PageParams,
    election_id: RowId,
    resident_code: Annotated[ResidentCode | None, Query()] = None,
    _: Principal = require_scopes("elections:read"),
) -> Page[CheckIn]:
    return await service.list_check_ins(
        session=session, election_id=election_id, resident_code=resident_code, page=page
    )


@router.post(
    "/elections/{election_id}/check-ins/{check_in_id}/undo",
    response_model=CheckIn,
    summary="Undo a check-in, with a reason (audited); the voter may then be checked in again",
)
async def undo_check_in(
    body: CheckInUndoIn,
    session: SessionDep,
    election_id: RowId,
    check_in_id: RowId,
    principal: Principal = require_scopes("elections:supervisor"),
) -> CheckIn:
    return await service.undo_check_in(
        session=session,
        supervisor=principal.client_id,
        election_id=election_id,
        check_in_id=check_in_id,
        reason=body.reason,
    )
