"""All SQL of findings: the year lock, the donations they are computed from, and the findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.tables import finding_years, findings, organizations, report_lines
from shared.contracts.funds import DONATION_CATEGORIES, FindingKind
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

CHUNK = 500


def _chunks(keys: Iterable[str]) -> list[list[str]]:
    ordered = sorted(keys)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


async def lock_year(session: AsyncSession, year: int) -> None:
    """Serialise findings recomputation per year (row lock on PostgreSQL, write lock on SQLite)."""
    dialect = session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(finding_years)
    statement = upsert.values(year=year, recomputations=1).on_conflict_do_update(
        index_elements=[finding_years.c.year],
        set_={"recomputations": finding_years.c.recomputations + 1},
    )
    await session.execute(statement)


async def delete_for(session: AsyncSession, *, year: int, donor_keys: set[str], report_id: int) -> None:
    await session.execute(delete(findings).where(findings.c.report_id == report_id))
    for chunk in _chunks(donor_keys):
        await session.execute(
            delete(findings).where(findings.c.year == year, findings.c.donor_key.in_(chunk))
        )


_DONATION_COLUMNS = (
    report_lines.c.id,
    report_lines.c.report_id,
    report_lines.c.organization_id,
    report_lines.c.year,
    report_lines.c.version,
    report_lines.c.line_no,
    report_lines.c.donor_key,
    report_lines.c.name,
    report_lines.c.donor_kind,
    report_lines.c.amount,
    report_lines.c.transaction_date,
    report_lines.c.capital_yen,
    report_lines.c.union_members,
    report_lines.c.annual_expenses_yen,
    report_lines.c.is_foreign,
    report_lines.c.listed_years,
    report_lines.c.receives_state_subsidy,
    report_lines.c.at_public_meeting,
    organizations.c.kind.label("recipient_kind"),
)


async def donations(
    session: AsyncSession, *, year: int, donor_keys: set[str], report_id: int
) -> list[Row[Any]]:
    """Current donation lines of the year given by these donors, or in this report."""
    base = (
        select(*_DONATION_COLUMNS)
        .join(organizations, organizations.c.id == report_lines.c.organization_id)
        .where(
            report_lines.c.year == year,
            report_lines.c.is_current.is_(True),
            report_lines.c.category.in_([c.value for c in DONATION_CATEGORIES]),
        )
    )
    rows: dict[int, Any] = {}
    for row in (await session.execute(base.where(report_lines.c.report_id == report_id))).all():
        rows[row.id] = row
    for chunk in _chunks(donor_keys):
        for row in (await session.execute(base.where(or_(report_lines.c.donor_key.in_(chunk))))).all():
            rows[row.id] = row
    return [rows[key] for key in sorted(rows)]


async def insert_findings(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(findings), list(rows))


async def page(
    session: AsyncSession,
    page: PageRequest,
    *,
    year: int | None,
    kind: FindingKind | None,
    organization_id: int | None,
) -> tuple[list[Row[Any]], str | None]:
    """One page of findings in id order, filtered by year, kind and organization if asked."""
    statement = select(findings)
    if year is not None:
        statement = statement.where(findings.c.year == year)
    if kind is not None:
        statement = statement.where(findings.c.kind == kind.value)
    if organization_id is not None:
        statement = statement.where(findings.c.organization_id == organization_id)
    return await keyset_page(
        session,
        statement,
        sort_columns=[findings.c.id],
        page=page,
        fingerprint=query_fingerprint("list_findings", year=year, kind=kind, organization_id=organization_id),
        position_of=lambda row: [row.id],
    )
