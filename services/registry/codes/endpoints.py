"""HTTP handlers of the code master: public reads, dated changes by the bureau."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.background import BackgroundTask
from starlette.responses import Response

from services.registry.codes import service
from services.registry.state import CodeMasterDep, registry_state_of
from shared.auth.dependencies import OptionalPrincipal, caller_of, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    CodeChange,
    CodeChangePage,
    CodeChangeRequest,
    LocalGovernment,
    LocalGovernmentKind,
    LocalGovernmentPage,
)
from shared.values import CalendarDate, LocalGovernmentCode
from shared.web.idempotency import WriteDep
from shared.web.pagination import PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.routes import path_parameter, shaped_route
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["local-government codes"])

AsOf = Annotated[CalendarDate | None, Query(description="Only codes in force on this date.")]


@router.get(
    "/local-government-codes", response_model=LocalGovernmentPage, summary="List local-government codes"
)
async def list_local_government_codes(
    session: SessionDep,
    page: PageParams,
    _: OptionalPrincipal,
    as_of: AsOf = None,
    prefecture: Annotated[
        str | None, Query(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", description="Two-digit prefecture number.")
    ] = None,
    kind: Annotated[LocalGovernmentKind | None, Query()] = None,
) -> Response:
    document = await service.code_page(
        session, page, prefecture=prefecture, kind=kind.value if kind else None, as_of=as_of
    )
    return json_response(document)


def _code_document(request: Request, code: str, as_of: date | None) -> Response:
    snapshot = registry_state_of(request.app).code_master.snapshot
    return json_response(snapshot.get(code, as_of=as_of), version=snapshot.version)


async def _plain_code_lookup(request: Request) -> Response | None:
    """`get_local_government_code` without a query string (in force or not): as the route's
    dependencies would, a token is optional but a bad one refused, then the code is checked."""
    if request.scope["query_string"]:
        return None
    await caller_of(request)
    return _code_document(request, path_parameter(request, "code"), None)


@shaped_route(
    router,
    "/local-government-codes/{code}",
    method="GET",
    answered_first_by_handler=_plain_code_lookup,
    response_model=LocalGovernment,
    summary="Look a code up (as of a date)",
    description="Served from memory; the ETag is the version of the whole code master.",
)
async def get_local_government_code(
    request: Request, code: LocalGovernmentCode, _: OptionalPrincipal, as_of: AsOf = None
) -> Response:
    return _code_document(request, code, as_of)


@router.get(
    "/local-government-codes/{code}/successors",
    response_model=list[LocalGovernment],
    summary="The codes in force on a date that a (possibly retired) code became",
)
async def list_successor_codes(
    code: LocalGovernmentCode,
    master: CodeMasterDep,
    _: OptionalPrincipal,
    as_of: Annotated[CalendarDate | None, Query(description="Default: today.")] = None,
) -> Response:
    on = as_of or date.today()
    return json_response(master.snapshot.successors_in_force(code, on=on))


@router.get(
    "/local-government-code-changes", response_model=CodeChangePage, summary="List dated code changes"
)
async def list_code_changes(session: SessionDep, page: PageParams, _: OptionalPrincipal) -> Response:
    return json_response(await service.change_page(session, page))


@router.post(
    "/local-government-code-changes",
    status_code=201,
    response_model=CodeChange,
    summary="Record a dated change (merger, city status, ward reorganization)",
)
async def record_code_change(
    change: CodeChangeRequest,
    write: WriteDep,
    master: CodeMasterDep,
    _: Principal = require_scopes("registry:admin"),
) -> Response:
    document = await service.record_change(write.session, change)
    response = write.respond(document, status_code=201)
    # Once the answer is sent, the change is committed: this replica serves it from then on.
    response.background = BackgroundTask(master.reload)
    return response
