"""Public disclosure: what each caller may see of the lines, and the export stream."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections import defaultdict
from collections.abc import AsyncGenerator, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds import municipalities
from services.funds.disclosure import repository
from services.funds.disclosure.bands import SIZE_BANDS
from services.funds.reports.identity import search_key
from services.funds.tables import report_lines
from shared.auth.tokens import Principal
from shared.contracts.funds import (
    DONATION_CATEGORIES,
    CategoryAggregate,
    DisclosedLine,
    DonorAggregate,
    LineCategory,
    OrganizationAggregate,
    PrefectureAggregate,
)
from shared.contracts.funds_feed import BreakdownItem, DisclosedLinePage, LineBreakdown, SizeBand
from shared.db.engine import Database, plan_for_own_values
from shared.values import CalendarDate, utc_now
from shared.web.pagination import Page, PageRequest
from shared.web.problems import BadRequest

EXPORT_CHUNK = 2_000
# Chunks (each one network read of the COPY stream, at most a few hundred KiB) held between the
# database and a slow client: the export's memory bound.
EXPORT_QUEUE_CHUNKS = 16


class LineSort(StrEnum):
    date = "date"
    date_desc = "-date"
    amount = "amount"
    amount_desc = "-amount"


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


def line_filters(query: LineQuery) -> repository.LineFilters:
    """The query's conditions, or 400 for a range upside down or a name with nothing to search."""
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


def sort_columns(sort: LineSort) -> tuple[list[ColumnElement[Any]], bool]:
    c = report_lines.c
    first = c.sort_date if sort in (LineSort.date, LineSort.date_desc) else c.amount
    return [first, c.id], sort in (LineSort.date_desc, LineSort.amount_desc)


def position_of(sort: LineSort, row: Row[Any]) -> list[Any]:
    if sort in (LineSort.date, LineSort.date_desc):
        return [row.sort_date.isoformat(), row.id]
    return [row.amount, row.id]


def sees_everything(principal: Principal | None) -> bool:
    return principal is not None and principal.has("funds:review")


def line_model(row: Row[Any], *, full: bool) -> DisclosedLine:
    return DisclosedLine(
        id=row.id,
        organization_id=row.organization_id,
        organization_name=row.organization_name,
        year=row.year,
        version=row.version,
        line_no=row.line_no,
        category=row.category,
        direction=row.direction,
        amount=row.amount,
        transaction_date=row.transaction_date,
        name=row.name,
        donor_kind=row.donor_kind,
        occupation=row.occupation,
        published_address=row.published_address,
        prefecture_code=row.prefecture_code,
        event_name=row.event_name,
        address=row.address if full else None,
        published=row.published,
    )


async def search_lines(
    session: AsyncSession,
    filters: repository.LineFilters,
    page: PageRequest,
    *,
    sort: LineSort,
    full: bool,
    fingerprint: str,
) -> DisclosedLinePage:
    """One page of the matching lines in the sort's order, and how many match in all."""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = repository.lines_statement(filters, full=full, today=utc_now().date(), postgres=postgres)
    columns, descending = sort_columns(sort)
    after = page.codec.decode(page.page_token, fingerprint, columns) if page.page_token else None
    # One plan for every name makes the rare or the common ones scan millions of lines.
    await plan_for_own_values(session)
    rows = await repository.chunk(
        session, statement, columns, after, page.page_size + 1, descending=descending
    )
    token = None
    if len(rows) > page.page_size:
        rows = rows[: page.page_size]
        token = page.codec.encode(fingerprint, position_of(sort, rows[-1]))
    count, estimated = await repository.count_lines(
        session, filters, full=full, today=utc_now().date(), postgres=postgres
    )
    return DisclosedLinePage(
        items=[line_model(row, full=full) for row in rows],
        next_page_token=token,
        count=count,
        count_is_estimate=estimated,
    )


def _items(totals: dict[str, list[int]]) -> list[BreakdownItem]:
    return [BreakdownItem(key=key, count=n, total=total) for key, (n, total) in sorted(totals.items())]


async def breakdown(session: AsyncSession, filters: repository.LineFilters, *, full: bool) -> LineBreakdown:
    """The matching lines by donor kind, by prefecture and by size band (one pass, rolled up here)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    rows = await repository.breakdown(session, filters, full=full, today=utc_now().date(), postgres=postgres)
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    prefectures: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bands: dict[str, list[int]] = {band.key: [0, 0] for band in SIZE_BANDS}
    for row in rows:
        for totals, key in ((kinds, row.donor_kind or "none"), (prefectures, row.prefecture_code or "none")):
            totals[key][0] += row.line_count
            totals[key][1] += int(row.total)
        bands[row.band][0] += row.line_count
        bands[row.band][1] += int(row.total)
    return LineBreakdown(
        count=sum(n for n, _ in bands.values()),
        total=sum(total for _, total in bands.values()),
        by_donor_kind=_items(kinds),
        by_prefecture=_items(prefectures),
        by_size_band=[
            SizeBand(
                key=band.key,
                min_amount=band.min_amount,
                max_amount=band.max_amount,
                count=bands[band.key][0],
                total=bands[band.key][1],
            )
            for band in SIZE_BANDS
        ],
    )


async def donor_aggregates(
    session: AsyncSession, page: PageRequest, *, full: bool, year: int | None, name_key: str | None
) -> Page[DonorAggregate]:
    rows, token = await repository.donor_aggregate_page(
        session, page, full=full, today=utc_now().date(), year=year, name_key=name_key
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


_DONATION_KEYS = frozenset(category.value for category in DONATION_CATEGORIES)


async def organization_aggregates(
    session: AsyncSession, page: PageRequest, *, full: bool, year: int | None
) -> Page[OrganizationAggregate]:
    rows, token = await repository.organization_aggregate_page(
        session, page, full=full, today=utc_now().date(), year=year
    )
    items = [
        OrganizationAggregate(
            organization_id=row.organization_id,
            organization_name=row.organization_name,
            year=row.year,
            income_total=row.income_total,
            expenditure_total=row.expenditure_total,
            balance=row.balance,
            donation_total=sum(v for k, v in row.category_totals.items() if k in _DONATION_KEYS),
        )
        for row in rows
    ]
    return Page[OrganizationAggregate](items=items, next_page_token=token)


async def category_aggregates(session: AsyncSession, *, full: bool, year: int) -> list[CategoryAggregate]:
    rows = await repository.category_totals(session, full=full, today=utc_now().date(), year=year)
    return [
        CategoryAggregate(
            year=row.year, category=row.category, total=int(row.total), line_count=row.line_count
        )
        for row in rows
    ]


async def prefecture_aggregates(session: AsyncSession, *, full: bool, year: int) -> list[PrefectureAggregate]:
    rows = await repository.prefecture_totals(session, full=full, today=utc_now().date(), year=year)
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


CSV_COLUMNS = list(DisclosedLine.model_fields)


def _csv_bytes(models: Sequence[DisclosedLine], *, header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for model in models:
        data = model.model_dump(mode="json")
        writer.writerow(["" if data[column] is None else data[column] for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def export_stream(
    database: Database, filters: repository.LineFilters, *, full: bool, today: date, fmt: str
) -> AsyncGenerator[bytes, None]:
    """Every matching line in id order, as CSV (with a BOM and a header) or JSON Lines."""
    if database.is_sqlite:
        statement = repository.lines_statement(filters, full=full, today=today, postgres=False)
        return export_lines(database, statement, full=full, fmt=fmt)
    csv_format = fmt == "csv"
    statement = repository.export_statement(filters, full=full, today=today, csv=csv_format)
    return copy_lines(database, statement, csv_format=csv_format)


def _crlf(chunk: bytes, quoted: bool) -> tuple[bytes, bool]:
    """PostgreSQL ends CSV records with LF; the export (RFC 4180) ends them with CRLF. A newline is
    a record end when it is outside quotes; `quoted` carries the state from the previous chunk."""
    parts = chunk.split(b'"')
    outside = 1 if quoted else 0
    for index in range(outside, len(parts), 2):
        parts[index] = parts[index].replace(b"\n", b"\r\n")
    return b'"'.join(parts), quoted != (len(parts) % 2 == 0)


async def copy_lines(
    database: Database, statement: Select[Any], *, csv_format: bool
) -> AsyncGenerator[bytes, None]:
    """PostgreSQL: the rows as PostgreSQL's COPY writes them, through a bounded queue."""
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(EXPORT_QUEUE_CHUNKS)

    async with database.engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection

        async def produce() -> None:
            try:
                await repository.copy_export(
                    raw, connection.dialect, statement, csv=csv_format, sink=queue.put
                )
            finally:
                await queue.put(None)  # the end, or a failure that awaiting the task raises

        producer = asyncio.create_task(produce())
        finished = False
        try:
            if csv_format:
                yield "\ufeff".encode()  # so spreadsheet software reads the Japanese text as UTF-8
            quoted = False
            while (chunk := await queue.get()) is not None:
                if csv_format:
                    chunk, quoted = _crlf(chunk, quoted)
                yield chunk
            await producer
            finished = True
        finally:
            if not finished:
                # The client went away (or the COPY failed): stop the COPY and drop the connection,
                # whose protocol state is unknown after a cancelled COPY.
                producer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await producer
                await connection.invalidate()


async def export_lines(
    database: Database, statement: Select[Any], *, full: bool, fmt: str
) -> AsyncGenerator[bytes, None]:
    """The portable path: every matching line in id order, one keyset chunk (and one short
    transaction) at a time."""
    columns = [report_lines.c.id]
    after: list[Any] | None = None
    first = True
    if fmt == "csv":
        yield "\ufeff".encode()  # so spreadsheet software reads the Japanese text as UTF-8
    while True:
        async with database.sessionmaker() as session:
            rows = await repository.chunk(session, statement, columns, after, EXPORT_CHUNK, descending=False)
        models = [line_model(row, full=full) for row in rows]
        if fmt == "csv":
            yield _csv_bytes(models, header=first)
        else:
            yield b"".join(orjson.dumps(model.model_dump(mode="json")) + b"\n" for model in models)
        first = False
        if len(rows) < EXPORT_CHUNK:
            return
        after = [rows[-1].id]
