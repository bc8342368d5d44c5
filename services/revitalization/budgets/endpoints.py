"""HTTP handlers of budgets and disbursements (reviewers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from services.revitalization.access import REVIEW
from services.revitalization.budgets import service
from services.revitalization.web import (
    FiscalYearFilter,
    IfMatch,
    MunicipalityFilter,
    ProgrammeCodePath,
    ProgrammeFilter,
)
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    Budget,
    BudgetIn,
    CarryOver,
    CarryOverIn,
    Disbursement,
    DisbursementIn,
)
from shared.values import BigRowId, FiscalYear, LocalGovernmentCode
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["budgets"])
BUDGET_PATH = "/budgets/{programme_code}/{fiscal_year}/{municipality_code}"
FiscalYearPath = Annotated[FiscalYear, Path()]
MunicipalityPath = Annotated[LocalGovernmentCode, Path()]


@router.get("/budgets", response_model=Page[Budget], summary="Budgets, filtered")
async def list_budgets(
    session: SessionDep,
    page: PageParams,
    programme_code: ProgrammeFilter = None,
    fiscal_year: FiscalYearFilter = None,
    municipality_code: MunicipalityFilter = None,
    _: Principal = require_scopes(REVIEW),
) -> Page[Budget]:
    items, token = await service.list_budgets(
        session=session,
        page=page,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
    )
    return Page[Budget](items=items, next_page_token=token)


@router.get(BUDGET_PATH, response_model=Budget, summary="One budget with what is committed and paid")
async def get_budget(
    programme_code: ProgrammeCodePath,
    fiscal_year: FiscalYearPath,
    municipality_code: MunicipalityPath,
    session: SessionDep,
    _: Principal = require_scopes(REVIEW),
) -> Response:
    budget = await service.get_budget(
        session=session,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
    )
    return json_response(budget, version=budget.version)


@router.put(
    BUDGET_PATH,
    response_model=Budget,
    responses={201: {"model": Budget, "description": "Budget created"}},
    summary="Set a budget's amount (If-Match to change an existing one)",
)
async def put_budget(
    programme_code: ProgrammeCodePath,
    fiscal_year: FiscalYearPath,
    municipality_code: MunicipalityPath,
    budget: BudgetIn,
    session: SessionDep,
    if_match: IfMatch = None,
    _: Principal = require_scopes(REVIEW),
) -> Response:
    result, created = await service.put_budget(
        session=session,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
        amount=budget.amount,
        if_match=if_match,
    )
    return json_response(result, status_code=201 if created else 200, version=result.version)


@router.post(
    "/applications/{application_id}/disbursements",
    status_code=201,
    response_model=Disbursement,
    summary="Record a payment on an award (Idempotency-Key)",
)
async def record_disbursement(
    application_id: BigRowId,
    disbursement: DisbursementIn,
    write: WriteDep,
    principal: Principal = require_scopes(REVIEW),
) -> Response:
    result = await service.record_disbursement(
        session=write.session,
        principal=principal,
        application_id=application_id,
        payment=disbursement,
    )
    return write.respond(result)


@router.get(
    "/applications/{application_id}/disbursements",
    response_model=Page[Disbursement],
    summary="Payments recorded on an award",
)
async def list_disbursements(
    application_id: BigRowId,
    session: SessionDep,
    page: PageParams,
    principal: Principal = require_scopes(REVIEW),
) -> Page[Disbursement]:
    items, token = await service.list_disbursements(
        session=session, principal=principal, application_id=application_id, page=page
    )
    return Page[Disbursement](items=items, next_page_token=token)


@router.post(
    "/applications/{application_id}/carry-overs",
    status_code=201,
    response_model=CarryOver,
    summary="Carry an unspent part of an award into the next fiscal year (繰越; Idempotency-Key)",
)
async def carry_over(
    application_id: BigRowId,
    carry_over: CarryOverIn,
    write: WriteDep,
    principal: Principal = require_scopes(REVIEW),
) -> Response:
    result = await service.carry_over(
        session=write.session, principal=principal, application_id=application_id, request=carry_over
    )
    return write.respond(result)


@router.get(
    "/applications/{application_id}/carry-overs",
    response_model=Page[CarryOver],
    summary="An award's carry-overs into the next fiscal year",
)
async def list_carry_overs(
    application_id: BigRowId,
    session: SessionDep,
    page: PageParams,
    principal: Principal = require_scopes(REVIEW),
) -> Page[CarryOver]:
    items, token = await service.list_carry_overs(
        session=session, principal=principal, application_id=application_id, page=page
    )
    return Page[CarryOver](items=items, next_page_token=token)
