"""HTTP handlers of the programme catalogue: public reads in three languages, admin writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from services.revitalization.programmes import service
from services.revitalization.programmes.languages import negotiate
from services.revitalization.web import AcceptLanguage, IfMatch, ProgrammeCodePath
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    Programme,
    ProgrammeFull,
    ProgrammeIn,
    ProgrammeUpdate,
    ProgrammeYear,
    ProgrammeYearRules,
)
from shared.values import FiscalYear
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import ReadSessionDep, SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["programmes"])


def _language_headers(language: str) -> dict[str, str]:
    return {"Content-Language": language, "Vary": "Accept-Language"}


@router.get("/programmes", response_model=Page[Programme], summary="The programme catalogue (public)")
async def list_programmes(
    session: SessionDep, page: PageParams, _: OptionalPrincipal, accept_language: AcceptLanguage = None
) -> Response:
    language = negotiate(accept_language)
    items, token = await service.list_programmes(session=session, page=page, language=language)
    return json_response(
        Page[Programme](items=items, next_page_token=token), headers=_language_headers(language)
    )


@router.get("/programmes/{code}", response_model=Programme, summary="One programme (public)")
async def get_programme(
    code: ProgrammeCodePath,
    database: DatabaseDep,
    _: OptionalPrincipal,
    accept_language: AcceptLanguage = None,
) -> Response:
    language = negotiate(accept_language)
    programme = await service.get_programme(reader=database, code=code, language=language)
    return json_response(programme, headers=_language_headers(language), version=programme.version)


@router.post("/programmes", status_code=201, response_model=ProgrammeFull, summary="Add a programme")
async def create_programme(
    programme: ProgrammeIn, write: WriteDep, _: Principal = require_scopes("revitalization:admin")
) -> Response:
    created = await service.create_programme(session=write.session, programme=programme)
    return write.respond(created, version=created.version)


@router.get("/programmes/{code}/texts", response_model=ProgrammeFull, summary="A programme with every text")
async def get_programme_texts(
    code: ProgrammeCodePath, session: ReadSessionDep, _: Principal = require_scopes("revitalization:admin")
) -> Response:
    programme = await service.get_programme_full(session=session, code=code)
    return json_response(programme, version=programme.version)


@router.put("/programmes/{code}", response_model=ProgrammeFull, summary="Change a programme's kind or texts")
async def replace_programme(
    code: ProgrammeCodePath,
    update: ProgrammeUpdate,
    session: SessionDep,
    if_match: IfMatch = None,
    _: Principal = require_scopes("revitalization:admin"),
) -> Response:
    programme = await service.replace_programme(session=session, code=code, update=update, if_match=if_match)
    return json_response(programme, version=programme.version)


@router.get(
    "/programmes/{code}/fiscal-years/{fiscal_year}",
    response_model=ProgrammeYear,
    summary="A programme's rules for one fiscal year (public)",
)
async def get_programme_year(
    code: ProgrammeCodePath,
    fiscal_year: Annotated[FiscalYear, Path()],
    session: SessionDep,
    _: OptionalPrincipal,
) -> Response:
    year = await service.get_year(session=session, code=code, fiscal_year=fiscal_year)
    return json_response(year, version=year.version)


@router.put(
    "/programmes/{code}/fiscal-years/{fiscal_year}",
    response_model=ProgrammeYear,
    responses={201: {"model": ProgrammeYear, "description": "Rules created"}},
    summary="Set a programme's rules for one fiscal year (If-Match to replace existing rules)",
)
async def put_programme_year(
    code: ProgrammeCodePath,
    fiscal_year: Annotated[FiscalYear, Path()],
    rules: ProgrammeYearRules,
    session: SessionDep,
    if_match: IfMatch = None,
    _: Principal = require_scopes("revitalization:admin"),
) -> Response:
    year, created = await service.put_year(
        session=session, code=code, fiscal_year=fiscal_year, rules=rules, if_match=if_match
    )
    return json_response(year, status_code=201 if created else 200, version=year.version)
