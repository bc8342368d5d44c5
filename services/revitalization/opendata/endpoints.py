"""Public open-data endpoints: a paginated list, a streamed 360Giving JSON package, a streamed CSV."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response, StreamingResponse

from services.revitalization.opendata import service
from services.revitalization.programmes.languages import negotiate
from services.revitalization.state import PublisherDep
from services.revitalization.web import AcceptLanguage, FiscalYearFilter, ProgrammeFilter
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.revitalization import Grant360
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["open data"])


def _headers(language: str) -> dict[str, str]:
    return {"Content-Language": language, "Vary": "Accept-Language"}


@router.get("/open-data/grants", response_model=Page[Grant360], summary="Awards as 360Giving grants (public)")
async def list_grants(
    session: SessionDep,
    publisher: PublisherDep,
    page: PageParams,
    _: OptionalPrincipal,
    fiscal_year: FiscalYearFilter = None,
    programme_code: ProgrammeFilter = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    language = negotiate(accept_language)
    items, token = await service.list_grants(
        session=session,
        page=page,
        publisher=publisher,
        language=language,
        fiscal_year=fiscal_year,
        programme_code=programme_code,
    )
    return json_response(Page[Grant360](items=items, next_page_token=token), headers=_headers(language))


@router.get(
    "/open-data/grants.json",
    summary="Every award as one 360Giving JSON package, streamed (public)",
    responses={200: {"content": {"application/json": {}}}},
)
async def export_grants_json(
    database: DatabaseDep,
    publisher: PublisherDep,
    _: OptionalPrincipal,
    fiscal_year: FiscalYearFilter = None,
    programme_code: ProgrammeFilter = None,
    accept_language: AcceptLanguage = None,
) -> StreamingResponse:
    language = negotiate(accept_language)
    body = service.stream_json(
        database,
        publisher,
        language,
        fiscal_year,
        programme_code,
    )
    return StreamingResponse(body, media_type="application/json", headers=_headers(language))


@router.get(
    "/open-data/grants.csv",
    summary="Every award as 360Giving CSV, streamed (public)",
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_grants_csv(
    database: DatabaseDep,
    publisher: PublisherDep,
    _: OptionalPrincipal,
    fiscal_year: FiscalYearFilter = None,
    programme_code: ProgrammeFilter = None,
    accept_language: AcceptLanguage = None,
) -> StreamingResponse:
    language = negotiate(accept_language)
    body = service.stream_csv(
        database,
        publisher,
        language,
        fiscal_year,
        programme_code,
    )
    headers = {**_headers(language), "Content-Disposition": 'attachment; filename="grants.csv"'}
    return StreamingResponse(body, media_type="text/csv; charset=utf-8", headers=headers)
