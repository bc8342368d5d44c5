"""HTTP handlers for public disclosure: line search, aggregates, exports."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import StreamingResponse

from services.funds.disclosure import service
from services.funds.disclosure.service import LineSort
from services.funds.reports.identity import search_key
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.funds import (
    CategoryAggregate,
    DonorAggregate,
    LineCategory,
    OrganizationAggregate,
    PrefectureAggregate,
)
from shared.contracts.funds_feed import DisclosedLinePage, LineBreakdown
from shared.values import CalendarDate, RowId, utc_now
from shared.web.pagination import Page, PageParams, query_fingerprint
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep
from shared.web.state import DatabaseDep

router = APIRouter(route_class=PlannedRoute, tags=["disclosure"])
Year = Annotated[int, Query(ge=1947, le=2200)]
Amount = Annotated[int | None, Query(ge=0, le=2**63 - 1)]
Prefecture = Annotated[str | None, Query(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", description="01 to 47")]
DonorName = Annotated[
    str | None,
    Query(min_length=1, max_length=100, description="Part of the name; kana, width and old forms fold."),
]


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


async def line_query(
    donor_name: DonorName = None,
    organization_id: RowId | None = None,
    min_amount: Amount = None,
    max_amount: Amount = None,
    from_date: Annotated[CalendarDate | None, Query()] = None,
    to_date: Annotated[CalendarDate | None, Query()] = None,
    category: Annotated[LineCategory | None, Query()] = None,
    prefecture: Prefecture = None,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
) -> service.LineQuery:
    return service.LineQuery(
        donor_name=donor_name,
        organization_id=organization_id,
        min_amount=min_amount,
        max_amount=max_amount,
        from_date=from_date,
        to_date=to_date,
        category=category,
        prefecture=prefecture,
        year=year,
    )


LineQueryDep = Annotated[service.LineQuery, Depends(line_query)]


@router.get("/disclosed-lines", response_model=DisclosedLinePage)
async def search_disclosed_lines(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    query: LineQueryDep,
    sort: Annotated[LineSort, Query(description="date, -date, amount or -amount")] = LineSort.date,
) -> DisclosedLinePage:
    """Search the itemized lines of all published reports (the regulator also sees unpublished ones).

    Every page says how many lines match: exactly up to 10,000, past that (on PostgreSQL) the
    planner's estimate, flagged by `count_is_estimate`."""
    full = service.sees_everything(principal)
    fingerprint = query_fingerprint("search_disclosed_lines", full=full, sort=sort, **query.model_dump())
    return await service.search_lines(
        session, service.line_filters(query), page, sort=sort, full=full, fingerprint=fingerprint
    )


@router.get("/disclosed-lines/breakdown", response_model=LineBreakdown)
async def break_down_disclosed_lines(
    session: SessionDep, principal: OptionalPrincipal, query: LineQueryDep
) -> LineBreakdown:
    """The lines a search matches, counted and summed by donor kind, prefecture and amount band."""
    return await service.breakdown(
        session, service.line_filters(query), full=service.sees_everything(principal)
    )


@router.get(
    "/disclosed-lines/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/jsonl": {}}}},
)
async def export_disclosed_lines(
    database: DatabaseDep,
    principal: OptionalPrincipal,
    query: LineQueryDep,
    format: Annotated[ExportFormat, Query(description="csv or jsonl")] = ExportFormat.csv,
) -> StreamingResponse:
    """Every matching line, streamed in chunks (CSV with a header, or JSON Lines), in id order."""
    full = service.sees_everything(principal)
    filters = service.line_filters(query)
    media_type = "text/csv; charset=utf-8" if format is ExportFormat.csv else "application/jsonl"
    return StreamingResponse(
        service.export_stream(database, filters, full=full, today=utc_now().date(), fmt=format.value),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="disclosed-lines.{format.value}"'},
    )


@router.get("/aggregates/donors", response_model=Page[DonorAggregate])
async def list_donor_aggregates(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
    donor_name: DonorName = None,
) -> Page[DonorAggregate]:
    """Per donor per year: total given, number of donations and of recipients (itemized donors only)."""
    key = search_key(donor_name) if donor_name is not None else None
    return await service.donor_aggregates(
        session, page, full=service.sees_everything(principal), year=year, name_key=key
    )


@router.get("/aggregates/organizations", response_model=Page[OrganizationAggregate])
async def list_organization_aggregates(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
) -> Page[OrganizationAggregate]:
    """Per organization per year: the totals of its current report."""
    return await service.organization_aggregates(
        session, page, full=service.sees_everything(principal), year=year
    )


@router.get("/aggregates/categories", response_model=list[CategoryAggregate])
async def list_category_aggregates(
    session: SessionDep, principal: OptionalPrincipal, year: Year
) -> list[CategoryAggregate]:
    """Per category in a year, over all reports (amounts only, as the reports publish their totals)."""
    return await service.category_aggregates(session, full=service.sees_everything(principal), year=year)


@router.get("/aggregates/prefectures", response_model=list[PrefectureAggregate])
async def list_prefecture_aggregates(
    session: SessionDep, principal: OptionalPrincipal, year: Year
) -> list[PrefectureAggregate]:
    """Itemized donations per donor prefecture in a year."""
    return await service.prefecture_aggregates(session, full=service.sees_everything(principal), year=year)
