"""All SQL of findings: the year lock, the donations they are computed from, and the findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, and_, delete, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.bulk import insert_rows
from services.funds.tables import finding_years, findings, organizations, report_lines
from shared.contracts.funds import DONATION_CATEGORIES, FindingKind
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def lock_year(session: AsyncSession, year: int) -> None:
    """Serialise findings recomputation per year (row lock on PostgreSQL, write lock on SQLite)."""
    dialect = session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(finding_years)
    statement = upsert.values(year=year, recomputations=1).on_conflict_do_update(
        index_elements=[finding_years.c.year],
        set_={"recomputations": finding_years.c.recomputations + 1},
    )
    await session.execute(statement)


def _donor_keys_of(organization_id: int, year: int) -> Select[Any]:
    """The donors of every version of the organization's report of the year (an amendment's
    previous donors too, whose findings may go)."""
    return select(report_lines.c.donor_key).where(
        report_lines.c.organization_id == organization_id,
        report_lines.c.year == year,
        report_lines.c.donor_key.is_not(None),
    )


async def delete_for(session: AsyncSession, *, year: int, organization_id: int, report_id: int) -> None:
    """The findings of the report's lines, and of its donors in the year."""
    await session.execute(delete(findings).where(findings.c.report_id == report_id))
    await session.execute(
        delete(findings).where(
            findings.c.year == year, findings.c.donor_key.in_(_donor_keys_of(organization_id, year))
        )
    )


_DONATION_COLUMNS = (
    report_lines.c.id.label("id"),  # named, so that SQLite orders the union by it
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


async def donations(session: AsyncSession, *, year: int, organization_id: int) -> list[Row[Any]]:
    """Current donation lines of the year given by the report's donors, or anonymously in the
    report; in id order. One statement: the report's anonymous lines, then every line of its donors."""
    current = and_(
        report_lines.c.year == year,
        report_lines.c.is_current.is_(True),
        report_lines.c.category.in_([c.value for c in DONATION_CATEGORIES]),
    )
    base = select(*_DONATION_COLUMNS).join(
        organizations, organizations.c.id == report_lines.c.organization_id
    )
    anonymous = base.where(
        current, report_lines.c.organization_id == organization_id, report_lines.c.donor_key.is_(None)
    )
    by_donor = base.where(current, report_lines.c.donor_key.in_(_donor_keys_of(organization_id, year)))
    statement = union_all(anonymous, by_donor)
    return list((await session.execute(statement.order_by(statement.selected_columns.id))).all())


async def insert_findings(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, findings, rows)


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
