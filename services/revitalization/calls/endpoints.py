"""HTTP handlers of calls for applications: publication and archival by the issuer, public search,
the deadline calendar and the CommonGrants opportunity shape (no token), applications while open."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from services.revitalization.access import ADMIN, APPLY, REVIEW, require_any
from services.revitalization.calls import service
from services.revitalization.calls.filters import CallFilters
from services.revitalization.state import SettingsDep
from services.revitalization.web import FiscalYearFilter, IfMatch, ProgrammeFilter
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import PrefectureNumber
from shared.contracts.revitalization_calls import (
    AuditEntry,
    Call,
    CallApplication,
    CallApplicationIn,
    CallIn,
    CallStatus,
    CgOpportunity,
)
from shared.values import BigRowId, UtcDateTime
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import ReadSessionDep, SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["calls for applications"])


async def call_filters(
    programme_code: ProgrammeFilter = None,
    prefecture: Annotated[
        PrefectureNumber | None, Query(description="Issuer's prefecture, 01 to 47.")
    ] = None,
    fiscal_year: FiscalYearFilter = None,
    status: Annotated[
        CallStatus | None, Query(description="At the moment of the request; absent: every call not archived.")
    ] = None,
    closes_from: Annotated[UtcDateTime | None, Query(description="Closing at or after this instant.")] = None,
    closes_to: Annotated[UtcDateTime | None, Query(description="Closing at or before this instant.")] = None,
) -> CallFilters:
    return CallFilters(programme_code, prefecture, fiscal_year, status, closes_from, closes_to)


Filters = Annotated[CallFilters, Depends(call_filters)]


@router.post("/calls", status_code=201, response_model=Call, summary="Publish a call for applications (公募)")
async def create_call(call: CallIn, write: WriteDep, principal: Principal = require_scopes()) -> Response:
    created = await service.create_call(
        session=write.session, principal=principal, call=call, now=service.current_time()
    )
    return write.respond(created, version=created.version, location=f"/revitalization/v1/calls/{created.id}")


@router.get(
    "/calls",
    response_model=Page[Call],
    summary="Search calls (public): programme, prefecture, fiscal year, status, closing between",
)
async def search_calls(
    database: DatabaseDep, page: PageParams, filters: Filters, _: OptionalPrincipal
) -> Response:
    return json_response(
        await service.search_calls(reader=database, page=page, filters=filters, now=service.current_time())
    )


@router.get(
    "/call-deadlines.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}},
    summary="The deadlines of calls as an iCalendar (public; without a status, calls not yet closed)",
)
async def get_call_deadlines(session: ReadSessionDep, filters: Filters, _: OptionalPrincipal) -> Response:
    body = await service.deadline_calendar(session=session, filters=filters, now=service.current_time())
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get(
    "/call-opportunities",
    response_model=Page[CgOpportunity],
    summary="Search calls in the CommonGrants opportunity shape (public)",
)
async def search_call_opportunities(
    database: DatabaseDep, page: PageParams, filters: Filters, settings: SettingsDep, _: OptionalPrincipal
) -> Page[CgOpportunity]:
    items, token = await service.search_opportunities(
        reader=database, page=page, filters=filters, now=service.current_time(), base_url=settings.gateway_url
    )
    return Page[CgOpportunity](items=items, next_page_token=token)


@router.get(
    "/call-opportunities/{call_id}",
    response_model=CgOpportunity,
    summary="One call in the CommonGrants opportunity shape (public)",
)
async def get_call_opportunity(
    call_id: BigRowId, session: ReadSessionDep, settings: SettingsDep, _: OptionalPrincipal
) -> CgOpportunity:
    return await service.get_opportunity(
        session=session, call_id=call_id, now=service.current_time(), base_url=settings.gateway_url
    )


@router.get("/calls/{call_id}", response_model=Call, summary="One call (public)")
async def get_call(call_id: BigRowId, session: ReadSessionDep, _: OptionalPrincipal) -> Response:
    found = await service.get_call(session=session, call_id=call_id, now=service.current_time())
    return json_response(found, version=found.version)


@router.post("/calls/{call_id}/archivals", response_model=Call, summary="Archive a closed call (its issuer)")
async def archive_call(
    call_id: BigRowId, session: SessionDep, if_match: IfMatch = None, principal: Principal = require_scopes()
) -> Response:
    archived = await service.archive_call(
        session=session, principal=principal, call_id=call_id, if_match=if_match, now=service.current_time()
    )
    return json_response(archived, version=archived.version)


@router.post(
    "/calls/{call_id}/applications",
    status_code=201,
    response_model=CallApplication,
    summary="Apply to a call: accepted from opens_at to closes_at, both included (Idempotency-Key)",
)
async def apply_to_call(
    call_id: BigRowId,
    application: CallApplicationIn,
    write: WriteDep,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    created = await service.apply(
        session=write.session,
        principal=principal,
        call_id=call_id,
        application=application,
        now=service.current_time(),
    )
    return write.respond(created, version=created.version)


@router.get(
    "/calls/{call_id}/applications",
    response_model=Page[CallApplication],
    summary="Applications to a call: the issuer sees all, an applying system its own",
)
async def list_call_applications(
    call_id: BigRowId, session: ReadSessionDep, page: PageParams, principal: Principal = require_scopes()
) -> Page[CallApplication]:
    items, token = await service.list_applications(
        session=session, principal=principal, page=page, call_id=call_id
    )
    return Page[CallApplication](items=items, next_page_token=token)


@router.get(
    "/calls/{call_id}/audit",
    response_model=Page[AuditEntry],
    summary="Every step of a call, in order (its issuer)",
)
async def list_call_audit(
    call_id: BigRowId, session: ReadSessionDep, page: PageParams, principal: Principal = require_scopes()
) -> Page[AuditEntry]:
    require_any(principal, REVIEW, ADMIN)
    items, token = await service.list_audit(session=session, principal=principal, page=page, call_id=call_id)
    return Page[AuditEntry](items=items, next_page_token=token)
