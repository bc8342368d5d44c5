"""All SQL of deadlines: an organization's first filings, and the non-filers of a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds.tables import organizations, politicians, reports
from shared.contracts.funds import OrganizationKind
from shared.contracts.funds_feed import DIET_OFFICES
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


def diet_member_related() -> ColumnElement[bool]:
    """`publication.is_diet_member_related` in SQL, over organizations outer-joined to politicians."""
    o = organizations.c
    office = politicians.c.office
    named_or_linked = or_(
        and_(office.is_(None), o.diet_member_name.is_not(None)),
        office.in_([office_.value for office_ in DIET_OFFICES]),
    )
    return or_(
        o.kind == OrganizationKind.diet_member_related.value,
        and_(o.kind == OrganizationKind.fund_management_organization.value, named_or_linked),
    )


async def first_filings(session: AsyncSession, organization_id: int) -> dict[int, datetime]:
    """Year → first filing of the organization's reports."""
    statement = select(reports.c.year, reports.c.first_filed_at).where(
        reports.c.organization_id == organization_id
    )
    return {row.year: row.first_filed_at for row in await session.execute(statement)}


@dataclass(frozen=True, slots=True)
class NonFilerQuery:
    year: int
    # Whether each class's due date has passed, and the instant from which a filing is late.
    ordinary_overdue: bool
    ordinary_late_from: datetime
    diet_member_overdue: bool
    diet_member_late_from: datetime
    organization_kind: str | None
    prefecture_code: str | None
    still_missing: bool


def _non_filer_statement(query: NonFilerQuery) -> Any:
    o, r = organizations.c, reports.c
    related = diet_member_related()
    late = or_(
        and_(related, r.first_filed_at >= query.diet_member_late_from),
        and_(not_(related), r.first_filed_at >= query.ordinary_late_from),
    )
    conditions: list[ColumnElement[bool]] = [
        o.registered_date <= date(query.year, 12, 31),
        or_(o.dissolved_date.is_(None), o.dissolved_date >= date(query.year, 1, 1)),
        r.id.is_(None) if query.still_missing else or_(r.id.is_(None), late),
    ]
    if not query.diet_member_overdue:
        conditions.append(not_(related))
    if not query.ordinary_overdue:
        conditions.append(related)
    if query.organization_kind is not None:
        conditions.append(o.kind == query.organization_kind)
    if query.prefecture_code is not None:
        conditions.append(func.substr(o.office_municipality_code, 1, 2) == query.prefecture_code)
    return (
        select(
            o.id,
            o.name,
            o.kind,
            o.office_municipality_code,
            related.label("diet_member_related"),
            r.first_filed_at,
        )
        .select_from(
            organizations.outerjoin(reports, and_(r.organization_id == o.id, r.year == query.year)).outerjoin(
                politicians, politicians.c.id == o.politician_id
            )
        )
        .where(and_(*conditions))
    )


async def non_filer_page(
    session: AsyncSession, page: PageRequest, query: NonFilerQuery
) -> tuple[list[Row[Any]], str | None]:
    """Organizations that had to file the year's report and had not by its due date, in id order."""
    return await keyset_page(
        session,
        _non_filer_statement(query),
        sort_columns=[organizations.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_non_filers",
            year=query.year,
            kind=query.organization_kind,
            prefecture=query.prefecture_code,
            still_missing=query.still_missing,
        ),
        position_of=lambda row: [row.id],
    )
