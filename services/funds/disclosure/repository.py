"""All SQL of public disclosure: line search, aggregates and export chunks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import asyncpg
import orjson
from sqlalchemy import (
    Row,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds.disclosure.bands import SIZE_BANDS
from services.funds.reports.identity import GRAM_MAX, query_grams
from services.funds.tables import organizations, report_lines, report_versions, reports
from shared.contracts.funds import DONATION_CATEGORIES, DisclosedLine, LineCategory
from shared.db.engine import plan_for_own_values
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


@dataclass(frozen=True, slots=True)
class LineFilters:
    name_key: str | None = None
    organization_id: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    from_date: date | None = None
    to_date: date | None = None
    category: LineCategory | None = None
    prefecture_code: str | None = None
    year: int | None = None


def _like_pattern(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# PostgreSQL only (a generated column of migration 0003), so not in the portable table definition.
_NAME_GRAMS: Final = literal_column("report_lines.name_grams", ARRAY(Text))


def name_matches(key: str, *, postgres: bool) -> ColumnElement[bool]:
    """Lines whose folded name contains `key`.

    On PostgreSQL through the gram index of migration 0003. A key of up to three characters (most
    searches: a surname, a given name) is one gram: containing it is containing the key, so the
    planner estimates the one condition from the gram statistics, and walks the sort index for a
    common name, reads the gram index for a rare one. Longer keys also check the pattern."""
    pattern = report_lines.c.name_key.like(_like_pattern(key), escape="\\")
    if not postgres:
        return pattern
    grams = _NAME_GRAMS.contains(literal(query_grams(key), ARRAY(Text)))
    return grams if len(key) <= GRAM_MAX else and_(grams, pattern)


def visibility(*, full: bool, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [report_lines.c.is_current.is_(True)]
    if not full:
        conditions += [report_lines.c.published.is_(True), report_lines.c.public_until >= today]
    return conditions


def line_conditions(
    filters: LineFilters, *, full: bool, today: date, postgres: bool
) -> list[ColumnElement[bool]]:
    c = report_lines.c
    conditions = visibility(full=full, today=today)
    if filters.name_key:
        conditions.append(name_matches(filters.name_key, postgres=postgres))
    if filters.organization_id is not None:
        conditions.append(c.organization_id == filters.organization_id)
    if filters.min_amount is not None:
        conditions.append(c.amount >= filters.min_amount)
    if filters.max_amount is not None:
        conditions.append(c.amount <= filters.max_amount)
    if filters.from_date is not None:
        conditions.append(c.sort_date >= filters.from_date)
    if filters.to_date is not None:
        conditions.append(c.sort_date <= filters.to_date)
    if filters.category is not None:
        conditions.append(c.category == filters.category.value)
    if filters.prefecture_code is not None:
        conditions.append(c.prefecture_code == filters.prefecture_code)
    if filters.year is not None:
        conditions.append(c.year == filters.year)
    return conditions


# What a DisclosedLine shows (but the address), and the sort keys.
_LINE_COLUMNS: Final = tuple(
    report_lines.c[name]
    for name in (
        "id",
        "organization_id",
        "year",
        "version",
        "line_no",
        "category",
        "direction",
        "amount",
        "transaction_date",
        "sort_date",
        "name",
        "donor_kind",
        "occupation",
        "published_address",
        "prefecture_code",
        "event_name",
        "published",
    )
)


def lines_statement(filters: LineFilters, *, full: bool, today: date, postgres: bool) -> Select[Any]:
    return (
        select(
            *_LINE_COLUMNS,
            (report_lines.c.address if full else cast(null(), String)).label("address"),
            organizations.c.name.label("organization_name"),
        )
        .join(organizations, organizations.c.id == report_lines.c.organization_id)
        .where(and_(*line_conditions(filters, full=full, today=today, postgres=postgres)))
    )


async def chunk(
    session: AsyncSession,
    statement: Select[Any],
    sort_columns: Sequence[ColumnElement[Any]],
    after: Sequence[Any] | None,
    size: int,
    *,
    descending: bool,
) -> list[Row[Any]]:
    """The next `size` rows after `after` in sort order: the export's keyset walk."""
    if after is not None:
        key = tuple_(*sort_columns)
        statement = statement.where(key < tuple_(*after) if descending else key > tuple_(*after))
    ordering = [column.desc() if descending else column.asc() for column in sort_columns]
    return list((await session.execute(statement.order_by(*ordering).limit(size))).all())


def export_statement(filters: LineFilters, *, full: bool, today: date, csv: bool) -> Select[Any]:
    """PostgreSQL: the DisclosedLine columns of every matching line in id order, as text.

    For CSV, booleans are spelt as Python's csv module writes them and dates in ISO form, so that
    the text PostgreSQL produces is what the portable path produces."""
    c = report_lines.c
    columns: dict[str, ColumnElement[Any]] = {
        "id": c.id,
        "organization_id": c.organization_id,
        "organization_name": organizations.c.name,
        "year": c.year,
        "version": c.version,
        "line_no": c.line_no,
        "category": c.category,
        "direction": c.direction,
        "amount": c.amount,
        "transaction_date": func.to_char(c.transaction_date, "YYYY-MM-DD") if csv else c.transaction_date,
        "name": c.name,
        "donor_kind": c.donor_kind,
        "occupation": c.occupation,
        "published_address": c.published_address,
        "prefecture_code": c.prefecture_code,
        "event_name": c.event_name,
        "address": c.address if full else cast(null(), String),
        "published": case((c.published, "True"), else_="False") if csv else c.published,
    }
    rows = (
        select(*(columns[name].label(name) for name in DisclosedLine.model_fields))
        .join_from(report_lines, organizations, organizations.c.id == report_lines.c.organization_id)
        .where(and_(*line_conditions(filters, full=full, today=today, postgres=True)))
        .order_by(c.id)
    )
    if csv:
        return rows
    # row_to_json keeps the column order and writes compact JSON, as the portable path does.
    return select(func.row_to_json(rows.subquery("line").table_valued()))


# One-byte control characters never appear unescaped in JSON text, so a CSV COPY quoting and
# delimiting with them passes each JSON document through verbatim (the text format would double
# every backslash).
_VERBATIM: dict[str, Any] = {"format": "csv", "quote": "\x01", "delimiter": "\x02"}


async def copy_export(
    connection: asyncpg.Connection,
    dialect: Dialect,
    statement: Select[Any],
    *,
    csv: bool,
    sink: Callable[[bytes], Awaitable[None]],
) -> None:
    """COPY the statement's rows TO STDOUT: CSV with a header, or one JSON object a line.

    asyncpg stops reading while `sink` runs, so a slow reader holds the server back rather than
    filling memory."""
    compiled = statement.compile(dialect=dialect)
    sql = compiled.string
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    options = {"format": "csv", "header": True} if csv else _VERBATIM

    async def output(data: bytes | bytearray | memoryview) -> None:
        await sink(bytes(data))

    await connection.copy_from_query(sql, *args, output=output, **options)


async def donor_aggregate_page(
    session: AsyncSession,
    page: PageRequest,
    *,
    full: bool,
    today: date,
    year: int | None,
    name_key: str | None,
) -> tuple[list[Row[Any]], str | None]:
    """Per donor per year, in (year, donor key) order; planned for this name (see `name_matches`)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _donor_aggregate_statement(
        full=full, today=today, year=year, name_key=name_key, postgres=postgres
    )
    await plan_for_own_values(session)
    return await keyset_page(
        session,
        statement,
        sort_columns=[report_lines.c.year, report_lines.c.donor_key],
        page=page,
        fingerprint=query_fingerprint("list_donor_aggregates", full=full, year=year, donor_name=name_key),
        position_of=lambda row: [row.year, row.donor_key],
    )


def _donor_aggregate_statement(
    *, full: bool, today: date, year: int | None, name_key: str | None, postgres: bool
) -> Select[Any]:
    c = report_lines.c
    conditions = [
        *visibility(full=full, today=today),
        c.category.in_([category.value for category in DONATION_CATEGORIES]),
        c.donor_key.is_not(None),
    ]
    if year is not None:
        conditions.append(c.year == year)
    if name_key:
        conditions.append(name_matches(name_key, postgres=postgres))
    return (
        select(
            c.year,
            c.donor_key,
            func.min(c.name).label("donor_name"),
            func.min(c.published_address).label("published_address"),
            func.sum(c.amount).label("total"),
            func.count().label("donation_count"),
            func.count(c.organization_id.distinct()).label("recipient_count"),
        )
        .where(and_(*conditions))
        .group_by(c.year, c.donor_key)
    )


async def organization_aggregate_page(
    session: AsyncSession, page: PageRequest, *, full: bool, today: date, year: int | None
) -> tuple[list[Row[Any]], str | None]:
    """Per organization per year, the totals of its current report, in (year, organization) order."""
    return await keyset_page(
        session,
        _organization_aggregate_statement(full=full, today=today, year=year),
        sort_columns=[reports.c.year, reports.c.organization_id],
        page=page,
        fingerprint=query_fingerprint("list_organization_aggregates", full=full, year=year),
        position_of=lambda row: [row.year, row.organization_id],
    )


def _organization_aggregate_statement(*, full: bool, today: date, year: int | None) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = [report_versions.c.is_current.is_(True)]
    if not full:
        conditions.append(reports.c.public_until >= today)
    if year is not None:
        conditions.append(reports.c.year == year)
    return (
        select(
            reports.c.year,
            reports.c.organization_id,
            organizations.c.name.label("organization_name"),
            report_versions.c.income_total,
            report_versions.c.expenditure_total,
            report_versions.c.balance,
            report_versions.c.category_totals,
        )
        .join(report_versions, report_versions.c.report_id == reports.c.id)
        .join(organizations, organizations.c.id == reports.c.organization_id)
        .where(and_(*conditions))
    )


async def category_totals(session: AsyncSession, *, full: bool, today: date, year: int) -> list[Row[Any]]:
    # Category totals are what each report publishes as its totals (small donations included,
    # never their donors), so every current line counts.
    c = report_lines.c
    conditions = [c.is_current.is_(True), c.year == year]
    if not full:
        conditions.append(c.public_until >= today)
    statement = (
        select(c.year, c.category, func.sum(c.amount).label("total"), func.count().label("line_count"))
        .where(and_(*conditions))
        .group_by(c.year, c.category)
        .order_by(c.category)
    )
    return list((await session.execute(statement)).all())


async def prefecture_totals(session: AsyncSession, *, full: bool, today: date, year: int) -> list[Row[Any]]:
    c = report_lines.c
    statement = (
        select(
            literal(year).label("year"),
            c.prefecture_code,
            func.sum(c.amount).label("total"),
            func.count().label("line_count"),
        )
        .where(
            *visibility(full=full, today=today),
            c.year == year,
            c.category.in_([category.value for category in DONATION_CATEGORIES]),
            c.prefecture_code.is_not(None),
        )
        .group_by(c.prefecture_code)
        .order_by(c.prefecture_code)
    )
    return list((await session.execute(statement)).all())


# A search counts its lines exactly up to this many; past it, the planner's estimate is cheaper
# than reading millions of lines for a figure (the response says which it is). When the planner
# already expects more than ESTIMATE_ALONE_ABOVE lines, not even the bounded count is run.
COUNT_EXACT_UP_TO: Final = 10_000
ESTIMATE_ALONE_ABOVE: Final = 100_000


async def count_lines(
    session: AsyncSession, filters: LineFilters, *, full: bool, today: date, postgres: bool
) -> tuple[int, bool]:
    """The number of matching lines, and whether it is an estimate (PostgreSQL only: on SQLite,
    the embedded database of a small office, the count is always exact)."""
    matching = select(report_lines.c.id).where(
        and_(*line_conditions(filters, full=full, today=today, postgres=postgres))
    )
    if not postgres:
        exact = select(func.count()).select_from(matching.subquery())
        return int((await session.execute(exact)).scalar_one()), False
    estimate = await _planned_rows(session, matching)
    if estimate > ESTIMATE_ALONE_ABOVE:
        return estimate, True
    capped = select(func.count()).select_from(matching.limit(COUNT_EXACT_UP_TO + 1).subquery())
    count = int((await session.execute(capped)).scalar_one())
    if count <= COUNT_EXACT_UP_TO:
        return count, False
    return max(estimate, COUNT_EXACT_UP_TO + 1), True


async def _planned_rows(session: AsyncSession, statement: Select[Any]) -> int:
    """PostgreSQL's estimate of the statement's rows (EXPLAIN, which runs nothing)."""
    connection = await session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    plan = await driver.fetchval("EXPLAIN (FORMAT JSON) " + compiled.string, *args)
    # SQLAlchemy's asyncpg connections decode json themselves; a bare one gives the text.
    document = orjson.loads(plan) if isinstance(plan, str | bytes) else plan
    return int(document[0]["Plan"]["Plan Rows"])


def _size_band() -> ColumnElement[str]:
    amount = report_lines.c.amount
    bounded = [(amount <= band.max_amount, band.key) for band in SIZE_BANDS if band.max_amount is not None]
    return case(*bounded, else_=SIZE_BANDS[-1].key)


async def breakdown(
    session: AsyncSession, filters: LineFilters, *, full: bool, today: date, postgres: bool
) -> list[Row[Any]]:
    """Count and total of the matching lines per (donor kind, prefecture, size band), in one pass."""
    c = report_lines.c
    band = _size_band()
    statement = (
        select(
            c.donor_kind,
            c.prefecture_code,
            band.label("band"),
            func.count().label("line_count"),
            func.sum(c.amount).label("total"),
        )
        .where(and_(*line_conditions(filters, full=full, today=today, postgres=postgres)))
        .group_by(c.donor_kind, c.prefecture_code, band)
    )
    return list((await session.execute(statement)).all())
