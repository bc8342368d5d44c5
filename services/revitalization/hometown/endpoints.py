"""HTTP handlers of hometown registrations; the counts per municipality and tier are public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.revitalization.access import APPLY, REVIEW, require_any
from services.revitalization.hometown import service
from services.revitalization.state import ResidenceSourceDep, SettingsDep
from services.revitalization.web import IfMatch, MunicipalityFilter
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    HometownCount,
    HometownRegistration,
    HometownRegistrationIn,
    HometownReviewIn,
    HometownStatus,
)
from shared.values import BigRowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["hometown registrations"])


@router.post(
    "/hometown-registrations",
    status_code=201,
    response_model=HometownRegistration,
    summary="Register a municipality as a person's hometown (Idempotency-Key)",
)
async def register_hometown(
    registration: HometownRegistrationIn,
    write: WriteDep,
    settings: SettingsDep,
    source: ResidenceSourceDep,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    created = await service.register(
        session=write.session,
        principal=principal,
        registration=registration,
        cap=settings.hometown_max_municipalities,
        source=source,
    )
    return write.respond(created, version=created.version)


@router.get(
    "/hometown-registrations",
    response_model=Page[HometownRegistration],
    summary="Registrations: a reviewer sees all, an applying system its own",
)
async def list_hometown_registrations(
    session: SessionDep,
    page: PageParams,
    municipality_code: MunicipalityFilter = None,
    status: Annotated[HometownStatus | None, Query()] = None,
    principal: Principal = require_scopes(),
) -> Page[HometownRegistration]:
    require_any(principal, APPLY, REVIEW)
    items, token = await service.list_registrations(
        session=session, principal=principal, page=page, municipality_code=municipality_code, status=status
    )
    return Page[HometownRegistration](items=items, next_page_token=token)


@router.get(
    "/hometown-registrations/{registration_id}",
    response_model=HometownRegistration,
    summary="One registration",
)
async def get_hometown_registration(
    registration_id: BigRowId, session: SessionDep, principal: Principal = require_scopes()
) -> Response:
    require_any(principal, APPLY, REVIEW)
    found = await service.get_registration(
        session=session, principal=principal, registration_id=registration_id
    )
    return json_response(found, version=found.version)


@router.post(
    "/hometown-registrations/{registration_id}/reviews",
    response_model=HometownRegistration,
    summary="The municipality approves or rejects a premium registration",
)
async def review_hometown_registration(
    registration_id: BigRowId,
    decision: HometownReviewIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(REVIEW),
) -> Response:
    result = await service.review(
        session=session,
        principal=principal,
        registration_id=registration_id,
        decision=decision,
        if_match=if_match,
    )
    return json_response(result, version=result.version)


@router.post(
    "/hometown-registrations/{registration_id}/withdrawals",
    response_model=HometownRegistration,
    summary="Withdraw a registration (frees one of the person's places)",
)
async def withdraw_hometown_registration(
    registration_id: BigRowId,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    result = await service.withdraw(
        session=session, principal=principal, registration_id=registration_id, if_match=if_match
    )
    return json_response(result, version=result.version)


@router.get(
    "/hometown-counts",
    response_model=Page[HometownCount],
    summary="Active registrations per municipality and tier (public)",
)
async def list_hometown_counts(
    session: SessionDep, page: PageParams, _: OptionalPrincipal, municipality_code: MunicipalityFilter = None
) -> Page[HometownCount]:
    items, token = await service.list_counts(session=session, page=page, municipality_code=municipality_code)
    return Page[HometownCount](items=items, next_page_token=token)
