"""HTTP handlers of the municipality-category register: public reads, administrators' writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from services.revitalization.access import ADMIN, REVIEW, require_any
from services.revitalization.categories import service
from services.revitalization.web import IfMatch
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    MunicipalityCategory,
    MunicipalityCategoryBatch,
    MunicipalityCategoryBatchIn,
    MunicipalityCategoryChange,
    MunicipalityCategoryIn,
)
from shared.values import FiscalYear, LocalGovernmentCode
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["municipality categories"])
ENTRY_PATH = "/municipality-categories/{fiscal_year}/{municipality_code}"
FiscalYearPath = Annotated[FiscalYear, Path()]
MunicipalityPath = Annotated[LocalGovernmentCode, Path()]
CategoryFilter = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_-]{1,62}$")]


@router.get(
    "/municipality-categories",
    response_model=Page[MunicipalityCategory],
    summary="The register of municipality categories of a fiscal year (public)",
)
async def list_municipality_categories(
    session: SessionDep,
    page: PageParams,
    _: OptionalPrincipal,
    fiscal_year: Annotated[FiscalYear, Query()],
    category: CategoryFilter = None,
) -> Response:
    items, token = await service.list_entries(
        session=session, page=page, fiscal_year=fiscal_year, category=category
    )
    return json_response(Page[MunicipalityCategory](items=items, next_page_token=token))


@router.get(
    ENTRY_PATH,
    response_model=MunicipalityCategory,
    summary="A municipality's category in a fiscal year (public)",
)
async def get_municipality_category(
    fiscal_year: FiscalYearPath,
    municipality_code: MunicipalityPath,
    session: SessionDep,
    _: OptionalPrincipal,
) -> Response:
    entry = await service.get_entry(
        session=session, fiscal_year=fiscal_year, municipality_code=municipality_code
    )
    return json_response(entry, version=entry.version)


@router.put(
    ENTRY_PATH,
    response_model=MunicipalityCategory,
    responses={201: {"model": MunicipalityCategory, "description": "Entry created"}},
    summary="Set a municipality's category for a fiscal year (If-Match to change an existing entry)",
)
async def put_municipality_category(
    fiscal_year: FiscalYearPath,
    municipality_code: MunicipalityPath,
    entry: MunicipalityCategoryIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(ADMIN),
) -> Response:
    result, created = await service.put_entry(
        session=session,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
        category=entry.category,
        actor=principal.client_id,
        if_match=if_match,
    )
    return json_response(result, status_code=201 if created else 200, version=result.version)


@router.post(
    "/municipality-categories",
    status_code=201,
    response_model=MunicipalityCategoryBatch,
    summary="Register the categories of many municipalities for a fiscal year (all or none; Idempotency-Key)",
)
async def create_municipality_categories(
    batch: MunicipalityCategoryBatchIn, write: WriteDep, principal: Principal = require_scopes(ADMIN)
) -> Response:
    created = await service.create_entries(session=write.session, batch=batch, actor=principal.client_id)
    return write.respond(MunicipalityCategoryBatch(fiscal_year=batch.fiscal_year, created=created))


@router.get(
    ENTRY_PATH + "/changes",
    response_model=Page[MunicipalityCategoryChange],
    summary="Who set a municipality's category for a fiscal year, when, from what (admin or review scope)",
)
async def list_municipality_category_changes(
    fiscal_year: FiscalYearPath,
    municipality_code: MunicipalityPath,
    session: SessionDep,
    page: PageParams,
    principal: Principal = require_scopes(),
) -> Response:
    require_any(principal, ADMIN, REVIEW)
    items, token = await service.list_changes(
        session=session, page=page, fiscal_year=fiscal_year, municipality_code=municipality_code
    )
    return json_response(Page[MunicipalityCategoryChange](items=items, next_page_token=token))
