"""HTTP handlers for public disclosure: line search, aggregates, exports."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.responses import StreamingResponse

from services.funds import municipalities
from services.funds.disclosure import repository, service
from services.funds.disclosure.service import LineSort
from services.funds.reports.identity import search_key
from services.funds.tables import report_lines, reports
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.funds import (
    DONATION_CATEGORIES,
    CategoryAggregate,
    DisclosedLine,
    DonorAggregate,
    LineCategory,
    OrganizationAggregate,
    PrefectureAggregate,
)
from shared.db.engine import plan_for_own_values
from shared.values import CalendarDate, RowId, utc_now
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint
from shared.web.problems import BadRequest
from shared.web.sessions import SessionDep
from shared.web.state import state_of

router = APIRouter(tags=["disclosure"])
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


class LineQuery(BaseModel):
    donor_name: str | None = None
    organization_id: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    from_date: CalendarDate | None = None
    to_date: CalendarDate | None = None
    category: LineCategory | None = None
    prefecture: str | None = None
    year: int | None = None


def _filters(query: LineQuery) -> repository.LineFilters:
    if query.min_amount is not None and query.max_amount is not None and query.min_amount > query.max_amount:
        raise BadRequest("min_amount is above max_amount.", slug="invalid-range")
    if query.from_date is not None and query.to_date is not None and query.from_date > query.to_date:
        raise BadRequest("from_date is after to_date.", slug="invalid-range")
    key = search_key(query.donor_name) if query.donor_name is not None else None
    if query.donor_name is not None and not key:
        raise BadRequest("donor_name has no searchable characters.", slug="invalid-donor-name")
    return repository.LineFilters(
        name_key=key,
        organization_id=query.organization_id,
        min_amount=query.min_amount,
        max_amount=query.max_amount,
        from_date=query.from_date,
        to_date=query.to_date,
        category=query.category,
        prefecture_code=query.prefecture,
        year=query.year,
    )


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
) -> LineQuery:
    return LineQuery(
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


LineQueryDep = Annotated[LineQuery, Depends(line_query)]


@router.get("/disclosed-lines", response_model=Page[DisclosedLine])
async def search_disclosed_lines(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    query: LineQueryDep,
    sort: Annotated[LineSort, Query(description="date, -date, amount or -amount")] = LineSort.date,
) -> Page[DisclosedLine]:
    """Search the itemized lines of all published reports (the regulator also sees unpublished ones)."""
    full = service.sees_everything(principal)
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = repository.lines_statement(
        _filters(query), full=full, today=utc_now().date(), postgres=postgres
    )
    columns, descending = service.sort_columns(sort)
    fingerprint = query_fingerprint("search_disclosed_lines", full=full, sort=sort, **query.model_dump())
    after = None
    if page.page_token:
        after = page.codec.decode(page.page_token, fingerprint, columns)
    # One plan for every name makes the rare or the common ones scan millions of lines.
    await plan_for_own_values(session)
    rows = await repository.chunk(
        session, statement, columns, after, page.page_size + 1, descending=descending
    )
    token = None
    if len(rows) > page.page_size:
        rows = rows[: page.page_size]
        token = page.codec.encode(fingerprint, service.position_of(sort, rows[-1]))
    return Page[DisclosedLine](
        items=[service.line_model(row, full=full) for row in rows], next_page_token=token
    )


@router.get(
    "/disclosed-lines/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/jsonl": {}}}},
)
async def export_disclosed_lines(
    request: Request,
    principal: OptionalPrincipal,
    query: LineQueryDep,
    format: Annotated[ExportFormat, Query(description="csv or jsonl")] = ExportFormat.csv,
) -> StreamingResponse:
    """Every matching line, streamed in chunks (CSV with a header, or JSON Lines), in id order."""
    full = service.sees_everything(principal)
    filters = _filters(query)
    media_type = "text/csv; charset=utf-8" if format is ExportFormat.csv else "application/jsonl"
    return StreamingResponse(
        service.export_stream(
            state_of(request.app).database, filters, full=full, today=utc_now().date(), fmt=format.value
        ),
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
    full = service.sees_everything(principal)
    key = search_key(donor_name) if donor_name is not None else None
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = repository.donor_aggregate_statement(
        full=full, today=utc_now().date(), year=year, name_key=key, postgres=postgres
    )
    await plan_for_own_values(session)
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[report_lines.c.year, report_lines.c.donor_key],
        page=page,
        fingerprint=query_fingerprint("list_donor_aggregates", full=full, year=year, donor_name=key),
        position_of=lambda row: [row.year, row.donor_key],
    )
    items = [
        DonorAggregate(
            year=row.year,
            donor_name=row.donor_name,
            published_address=row.published_address,
            total=int(row.total),
            donation_count=row.donation_count,
            recipient_count=row.recipient_count,
        )
        for row in rows
    ]
    return Page[DonorAggregate](items=items, next_page_token=token)


@router.get("/aggregates/organizations", response_model=Page[OrganizationAggregate])
async def list_organization_aggregates(
    session: SessionDep,
    page: PageParams,
    principal: OptionalPrincipal,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
) -> Page[OrganizationAggregate]:
    """Per organization per year: the totals of its current report."""
    full = service.sees_everything(principal)
    statement = repository.organization_aggregate_statement(full=full, today=utc_now().date(), year=year)
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[reports.c.year, reports.c.organization_id],
        page=page,
        fingerprint=query_fingerprint("list_organization_aggregates", full=full, year=year),
        position_of=lambda row: [row.year, row.organization_id],
    )
    donation_keys = {category.value for category in DONATION_CATEGORIES}
    items = [
        OrganizationAggregate(
            organization_id=row.organization_id,
            organization_name=row.organization_name,
            year=row.year,
            income_total=row.income_total,
            expenditure_total=row.expenditure_total,
            balance=row.balance,
            donation_total=sum(v for k, v in row.category_totals.items() if k in donation_keys),
        )
        for row in rows
    ]
    return Page[OrganizationAggregate](items=items, next_page_token=token)


@router.get("/aggregates/categories", response_model=list[CategoryAggregate])
async def list_category_aggregates(
    session: SessionDep, principal: OptionalPrincipal, year: Year
) -> list[CategoryAggregate]:
    """Per category in a year, over all reports (amounts only, as the reports publish their totals)."""
    rows = await repository.category_totals(
        session, full=service.sees_everything(principal), today=utc_now().date(), year=year
    )
    return [
        CategoryAggregate(
            year=row.year, category=row.category, total=int(row.total), line_count=row.line_count
        )
        for row in rows
    ]


@router.get("/aggregates/prefectures", response_model=list[PrefectureAggregate])
async def list_prefecture_aggregates(
    session: SessionDep, principal: OptionalPrincipal, year: Year
) -> list[PrefectureAggregate]:
    """Itemized donations per donor prefecture in a year."""
    rows = await repository.prefecture_totals(
        session, full=service.sees_everything(principal), today=utc_now().date(), year=year
    )
    return [
        PrefectureAggregate(
            year=year,
            prefecture_code=row.prefecture_code,
            prefecture_name=municipalities.prefecture_name(row.prefecture_code),
            total=int(row.total),
            line_count=row.line_count,
        )
        for row in rows
    ]
