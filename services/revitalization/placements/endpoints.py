"""HTTP handlers of placements and settlement rates (reviewers)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from services.revitalization.access import REVIEW
from services.revitalization.placements import service
from services.revitalization.state import ResidenceSourceDep
from services.revitalization.web import IfMatch, MunicipalityFilter, ProgrammeFilter
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import ExtensionIn, Placement, SettlementCheckIn, SettlementRates
from shared.values import BigRowId
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["placements"])


@router.get("/placements", response_model=Page[Placement], summary="Placements, filtered")
async def list_placements(
    session: SessionDep,
    page: PageParams,
    programme_code: ProgrammeFilter = None,
    municipality_code: MunicipalityFilter = None,
    _: Principal = require_scopes(REVIEW),
) -> Page[Placement]:
    items, token = await service.list_placements(
        session=session, page=page, programme_code=programme_code, municipality_code=municipality_code
    )
    return Page[Placement](items=items, next_page_token=token)


@router.get("/placements/{placement_id}", response_model=Placement, summary="One placement")
async def get_placement(
    placement_id: BigRowId, session: SessionDep, _: Principal = require_scopes(REVIEW)
) -> Response:
    placement = await service.get_placement(session=session, placement_id=placement_id)
    return json_response(placement, version=placement.version)


@router.post(
    "/placements/{placement_id}/extensions",
    response_model=Placement,
    summary="Extend a term up to the programme's limit (If-Match)",
)
async def extend_placement(
    placement_id: BigRowId,
    extension: ExtensionIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(REVIEW),
) -> Response:
    placement = await service.extend_placement(
        session=session,
        placement_id=placement_id,
        new_end_date=extension.new_end_date,
        reason=extension.reason,
        actor=principal.client_id,
        if_match=if_match,
    )
    return json_response(placement, version=placement.version)


@router.post(
    "/placements/{placement_id}/settlement-checks",
    response_model=Placement,
    summary="After the term: ask the registry whether the person still lives in the municipality",
)
async def check_placement_settlement(
    placement_id: BigRowId,
    check: SettlementCheckIn,
    session: SessionDep,
    source: ResidenceSourceDep,
    _: Principal = require_scopes(REVIEW),
) -> Response:
    placement = await service.check_settlement(
        session=session, placement_id=placement_id, as_of_date=check.as_of_date, source=source
    )
    return json_response(placement, version=placement.version)


@router.get(
    "/settlement-rates",
    response_model=SettlementRates,
    summary="Share of people still resident after their term, per municipality and cohort",
)
async def list_settlement_rates(
    session: SessionDep,
    programme_code: ProgrammeFilter = None,
    municipality_code: MunicipalityFilter = None,
    _: Principal = require_scopes(REVIEW),
) -> SettlementRates:
    items = await service.settlement_rate_list(
        session=session, programme_code=programme_code, municipality_code=municipality_code
    )
    return SettlementRates(items=items)
