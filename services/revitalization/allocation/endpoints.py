"""HTTP handlers of spending lines and allocation-tax claims (reviewers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.revitalization.access import REVIEW
from services.revitalization.allocation import service
from services.revitalization.web import MunicipalityFilter
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import Claim, SpendingBatch, SpendingBatchIn, SpendingLine
from shared.values import FiscalYear
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["allocation tax"])
RequiredFiscalYear = Annotated[FiscalYear, Query()]


@router.post(
    "/spending-lines",
    status_code=201,
    response_model=SpendingBatch,
    summary="Record actual spending (up to 1,000 lines, all or none; Idempotency-Key)",
)
async def record_spending_lines(
    batch: SpendingBatchIn, write: WriteDep, principal: Principal = require_scopes(REVIEW)
) -> Response:
    ids = await service.record_lines(session=write.session, lines=batch.lines, actor=principal.client_id)
    return write.respond(SpendingBatch(ids=ids))


@router.get("/spending-lines", response_model=Page[SpendingLine], summary="Spending lines of a fiscal year")
async def list_spending_lines(
    session: SessionDep,
    page: PageParams,
    fiscal_year: RequiredFiscalYear,
    claimant_code: MunicipalityFilter = None,
    _: Principal = require_scopes(REVIEW),
) -> Page[SpendingLine]:
    items, token = await service.list_lines(
        session=session, page=page, fiscal_year=fiscal_year, claimant_code=claimant_code
    )
    return Page[SpendingLine](items=items, next_page_token=token)


@router.get(
    "/allocation-claims",
    response_model=Page[Claim],
    summary="What each municipality or prefecture may claim for a fiscal year, traced to its lines",
)
async def list_allocation_claims(
    session: SessionDep,
    page: PageParams,
    fiscal_year: RequiredFiscalYear,
    claimant_code: MunicipalityFilter = None,
    _: Principal = require_scopes(REVIEW),
) -> Response:
    items, token = await service.list_claims(
        session=session, page=page, fiscal_year=fiscal_year, claimant_code=claimant_code
    )
    return json_response({"items": items, "next_page_token": token})
