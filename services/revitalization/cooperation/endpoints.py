"""HTTP handlers of the cooperation-framework register: public reads, administrators' writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.revitalization.access import ADMIN
from services.revitalization.cooperation import service
from services.revitalization.placements.service import today
from services.revitalization.programmes.languages import negotiate
from services.revitalization.state import CodeSourceDep
from services.revitalization.web import AcceptLanguage, IfMatch
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    AllocationTaxItem,
    Framework,
    FrameworkIn,
    FrameworkKind,
    MemberDepartureIn,
    MemberJoinIn,
    PrefectureNumber,
    SuccessionCheckIn,
)
from shared.values import BigRowId, CalendarDate, FiscalYear
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["cooperation frameworks"])
FRAMEWORK = "/cooperation-frameworks/{framework_id}"
AsOf = Annotated[CalendarDate | None, Query(description="Default: today (Japan time).")]


@router.post(
    "/cooperation-frameworks",
    status_code=201,
    response_model=Framework,
    summary="Register a cooperation framework with its members (Idempotency-Key)",
)
async def create_framework(
    framework: FrameworkIn, write: WriteDep, principal: Principal = require_scopes(ADMIN)
) -> Response:
    result = await service.create_framework(session=write.session, principal=principal, framework=framework)
    return write.respond(result, version=result.version)


@router.get(
    "/cooperation-frameworks",
    response_model=Page[Framework],
    summary="Frameworks with a member in the prefecture on a day, with the members of that day (public)",
)
async def list_frameworks(
    session: SessionDep,
    page: PageParams,
    _: OptionalPrincipal,
    prefecture: Annotated[PrefectureNumber | None, Query(description="Two-digit prefecture number.")] = None,
    kind: Annotated[FrameworkKind | None, Query()] = None,
    as_of: AsOf = None,
) -> Page[Framework]:
    items, token = await service.list_frameworks(
        session=session, page=page, as_of=as_of or today(), prefecture=prefecture, kind=kind
    )
    return Page[Framework](items=items, next_page_token=token)


@router.get(FRAMEWORK, response_model=Framework, summary="A framework with its dated memberships (public)")
async def get_framework(
    framework_id: BigRowId, session: SessionDep, _: OptionalPrincipal, as_of: AsOf = None
) -> Response:
    result = await service.get_framework(session=session, framework_id=framework_id, as_of=as_of)
    return json_response(result, version=result.version)


@router.post(
    f"{FRAMEWORK}/members",
    response_model=Framework,
    summary="A body joins the framework on a day (If-Match)",
)
async def join_framework(
    framework_id: BigRowId,
    member: MemberJoinIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(ADMIN),
) -> Response:
    result = await service.join(
        session=session, principal=principal, framework_id=framework_id, join=member, if_match=if_match
    )
    return json_response(result, version=result.version)


@router.post(
    f"{FRAMEWORK}/departures",
    response_model=Framework,
    summary="A member leaves the framework on a day (If-Match)",
)
async def leave_framework(
    framework_id: BigRowId,
    departure: MemberDepartureIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(ADMIN),
) -> Response:
    result = await service.depart(
        session=session,
        principal=principal,
        framework_id=framework_id,
        departure=departure,
        if_match=if_match,
    )
    return json_response(result, version=result.version)


@router.post(
    f"{FRAMEWORK}/succession-checks",
    response_model=Framework,
    summary="Follow the registry's code changes (mergers) up to a day: successors replace retired members",
)
async def follow_successions(
    framework_id: BigRowId,
    check: SuccessionCheckIn,
    session: SessionDep,
    codes: CodeSourceDep,
    principal: Principal = require_scopes(ADMIN),
) -> Response:
    result = await service.follow_successions(
        session=session, framework_id=framework_id, as_of=check.as_of, source=codes, actor=principal.client_id
    )
    return json_response(result, version=result.version)


@router.get(
    f"{FRAMEWORK}/allocation-tax-items",
    response_model=list[AllocationTaxItem],
    summary="The allocation-tax measures of the framework's members in a fiscal year, with sources (public)",
)
async def list_allocation_tax_items(
    framework_id: BigRowId,
    fiscal_year: Annotated[FiscalYear, Query()],
    session: SessionDep,
    _: OptionalPrincipal,
    accept_language: AcceptLanguage = None,
) -> Response:
    language = negotiate(accept_language)
    items = await service.allocation_tax_items(
        session=session, framework_id=framework_id, fiscal_year=fiscal_year, language=language
    )
    return json_response(
        [item.model_dump(mode="json") for item in items],
        headers={"Content-Language": language, "Vary": "Accept-Language"},
    )
