"""HTTP handlers of the code master: public reads, dated changes by the bureau."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.registry.codes import repository, service
from shared.auth.dependencies import OptionalPrincipal, require_scopes
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
from shared.web.pagination import PageParams, keyset_page, query_fingerprint
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(tags=["local-government codes"])

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
    rows, token = await keyset_page(
        session,
        repository.list_statement(prefecture=prefecture, kind=kind.value if kind else None, as_of=as_of),
        sort_columns=[repository.codes.c.code],
        page=page,
        fingerprint=query_fingerprint(
            "list_local_government_codes", as_of=as_of, prefecture=prefecture, kind=kind
        ),
        position_of=lambda row: [row.code],
    )
    return json_response({"items": await service.documents(session, rows), "next_page_token": token})


@router.get(
    "/local-government-codes/{code}", response_model=LocalGovernment, summary="Look a code up (as of a date)"
)
async def get_local_government_code(
    code: LocalGovernmentCode, session: SessionDep, _: OptionalPrincipal, as_of: AsOf = None
) -> Response:
    return json_response(await service.get_code(session, code, as_of=as_of))


@router.get(
    "/local-government-codes/{code}/successors",
    response_model=list[LocalGovernment],
    summary="The codes in force on a date that a (possibly retired) code became",
)
async def list_successor_codes(
    code: LocalGovernmentCode,
    session: SessionDep,
    _: OptionalPrincipal,
    as_of: Annotated[CalendarDate | None, Query(description="Default: today.")] = None,
) -> Response:
    on = as_of or date.today()
    return json_response(await service.successors_in_force(session, code, on=on))


@router.get(
    "/local-government-code-changes", response_model=CodeChangePage, summary="List dated code changes"
)
async def list_code_changes(session: SessionDep, page: PageParams, _: OptionalPrincipal) -> Response:
    rows, token = await keyset_page(
        session,
        repository.changes_statement(),
        sort_columns=[repository.changes.c.change_id],
        page=page,
        fingerprint=query_fingerprint("list_code_changes"),
        position_of=lambda row: [row.change_id],
    )
    return json_response({"items": await service.change_documents(session, rows), "next_page_token": token})


@router.post(
    "/local-government-code-changes",
    status_code=201,
    response_model=CodeChange,
    summary="Record a dated change (merger, city status, ward reorganization)",
)
async def record_code_change(
    change: CodeChangeRequest, write: WriteDep, _: Principal = require_scopes("registry:admin")
) -> Response:
    document = await service.record_change(write.session, change)
    return write.respond(document, status_code=201)
