"""All SQL of public disclosure: line search, aggregates and export chunks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds.tables import organizations, report_lines, report_versions, reports
from shared.contracts.funds import DONATION_CATEGORIES, LineCategory


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


def visibility(*, full: bool, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [report_lines.c.is_current.is_(True)]
    if not full:
        conditions += [report_lines.c.published.is_(True), report_lines.c.public_until >= today]
    return conditions


def line_conditions(filters: LineFilters, *, full: bool, today: date) -> list[ColumnElement[bool]]:
    c = report_lines.c
    conditions = visibility(full=full, today=today)
    if filters.name_key:
        conditions.append(c.name_key.like(_like_pattern(filters.name_key), escape="\\"))
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


def lines_statement(filters: LineFilters, *, full: bool, today: date) -> Select[Any]:
    return (
        select(report_lines, organizations.c.name.label("organization_name"))
        .join(organizations, organizations.c.id == report_lines.c.organization_id)
        .where(and_(*line_conditions(filters, full=full, today=today)))
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


def donor_aggregate_statement(
    *, full: bool, today: date, year: int | None, name_key: str | None
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
        conditions.append(c.name_key.like(_like_pattern(name_key), escape="\\"))
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


def organization_aggregate_statement(*, full: bool, today: date, year: int | None) -> Select[Any]:
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
