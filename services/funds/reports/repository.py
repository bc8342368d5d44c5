"""All SQL of annual reports, their versions and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.bulk import insert_rows
from services.funds.tables import report_lines, report_versions, reports


async def get_report(session: AsyncSession, organization_id: int, year: int) -> Row[Any] | None:
    statement = select(reports).where(reports.c.organization_id == organization_id, reports.c.year == year)
    return (await session.execute(statement)).one_or_none()


async def current_balance(session: AsyncSession, organization_id: int, year: int) -> int | None:
    statement = (
        select(report_versions.c.balance)
        .join(reports, reports.c.id == report_versions.c.report_id)
        .where(
            reports.c.organization_id == organization_id,
            reports.c.year == year,
            report_versions.c.is_current.is_(True),
        )
    )
    value = (await session.execute(statement)).scalar_one_or_none()
    return None if value is None else int(value)


async def create_report(
    session: AsyncSession, *, organization_id: int, year: int, filed_at: datetime, public_until: date
) -> int:
    result = await session.execute(
        insert(reports)
        .values(
            organization_id=organization_id,
            year=year,
            current_version=1,
            version=1,
            first_filed_at=filed_at,
            public_until=public_until,
        )
        .returning(reports.c.id)
    )
    return int(result.scalar_one())


async def retire_current(session: AsyncSession, report: Row[Any]) -> None:
    await session.execute(
        update(report_versions)
        .where(report_versions.c.report_id == report.id, report_versions.c.is_current.is_(True))
        .values(is_current=False)
    )
    # The report's lines by its organization and year (one report per pair): the index the
    # findings and the disclosure filter read serves this too, where no index has report_id.
    await session.execute(
        update(report_lines)
        .where(
            report_lines.c.organization_id == report.organization_id,
            report_lines.c.year == report.year,
            report_lines.c.is_current.is_(True),
        )
        .values(is_current=False)
    )


async def insert_version(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(report_versions).values(**values).returning(report_versions.c.id))
    return int(result.scalar_one())


async def insert_lines(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, report_lines, rows)


async def versions(session: AsyncSession, report_id: int) -> list[Row[Any]]:
    statement = (
        select(report_versions)
        .where(report_versions.c.report_id == report_id)
        .order_by(report_versions.c.version)
    )
    return list((await session.execute(statement)).all())


async def version(session: AsyncSession, report_id: int, number: int) -> Row[Any] | None:
    statement = select(report_versions).where(
        report_versions.c.report_id == report_id, report_versions.c.version == number
    )
    return (await session.execute(statement)).one_or_none()


async def lines_of(
    session: AsyncSession, report_version_id: int, *, published_only: bool
) -> list[dict[str, Any]]:
    """The version's lines in order, each as its columns by name."""
    statement = select(report_lines).where(report_lines.c.report_version_id == report_version_id)
    if published_only:
        statement = statement.where(report_lines.c.published.is_(True))
    result = await session.execute(statement.order_by(report_lines.c.line_no))
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]
