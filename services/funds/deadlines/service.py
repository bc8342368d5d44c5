"""Deadlines of annual reports: per organization, and who had not filed by them.

The report of year Y is due on 31 March of Y + 1, on 31 May for Diet-member-related
organizations (rule data: `rulebook.report_due`, `diet_member_report_due`); a filing is late when
its first version came after the due date by Japan's calendar. An organization files for every
year from its registration to its dissolution. Not modelled: the 30 April due date of an ordinary
organization when a national election falls in the period (REFERENCE.md), which would need the
election calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.deadlines import calendar, repository
from services.funds.deadlines.repository import NonFilerQuery
from services.funds.reports.publication import due_date, filed_late, is_diet_member_related
from services.funds.rulebook import FundsRules
from shared.contracts.funds import OrganizationKind
from shared.contracts.funds_feed import Deadline, NonFiler
from shared.values import JST
from shared.web.pagination import Page, PageRequest

RulesOn = Callable[[date], FundsRules]


def today_in_japan(now: datetime) -> date:
    return now.astimezone(JST).date()


def report_years(organization: Row[Any], today: date) -> range:
    """The years the organization reports on, up to this year's (due next year)."""
    last = today.year
    if organization.dissolved_date is not None:
        last = min(last, organization.dissolved_date.year)
    return range(organization.registered_date.year, last + 1)


async def deadlines_of(
    session: AsyncSession, organization: Row[Any], *, today: date, rules: RulesOn
) -> list[Deadline]:
    """Every report's due date and what became of it, oldest first."""
    related = is_diet_member_related(
        organization.kind, organization.diet_member_name, organization.politician_office
    )
    filed = await repository.first_filings(session, organization.id)
    deadlines = []
    for year in report_years(organization, today):
        due = due_date(year, diet_member_related=related, rules=rules)
        first = filed.get(year)
        deadlines.append(
            Deadline(
                organization_id=organization.id,
                year=year,
                due_date=due,
                filed_at=first,
                filed_late=None if first is None else filed_late(first, due),
            )
        )
    return deadlines


def calendar_of(organization: Row[Any], deadlines: list[Deadline]) -> bytes:
    """The iCalendar document; its DTSTAMP is the last change of the organization or a filing."""
    stamps = [organization.updated_at, *(d.filed_at for d in deadlines if d.filed_at is not None)]
    return calendar.deadline_calendar(organization.id, organization.name, deadlines, stamp=max(stamps))


def _late_from(due: date) -> datetime:
    """The first instant after the due date, Japan time."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=JST)


def non_filer_query(
    *,
    year: int,
    today: date,
    rules: RulesOn,
    organization_kind: OrganizationKind | None,
    prefecture: str | None,
    still_missing: bool,
) -> NonFilerQuery:
    ordinary_due = due_date(year, diet_member_related=False, rules=rules)
    related_due = due_date(year, diet_member_related=True, rules=rules)
    return NonFilerQuery(
        year=year,
        ordinary_overdue=today > ordinary_due,
        ordinary_late_from=_late_from(ordinary_due),
        diet_member_overdue=today > related_due,
        diet_member_late_from=_late_from(related_due),
        organization_kind=organization_kind.value if organization_kind is not None else None,
        prefecture_code=prefecture,
        still_missing=still_missing,
    )


async def non_filers(
    session: AsyncSession, page: PageRequest, query: NonFilerQuery, *, rules: RulesOn
) -> Page[NonFiler]:
    rows, token = await repository.non_filer_page(session, page, query)
    items = [
        NonFiler(
            organization_id=row.id,
            organization_name=row.name,
            organization_kind=row.kind,
            prefecture_code=row.office_municipality_code[:2],
            diet_member_related=bool(row.diet_member_related),
            year=query.year,
            due_date=due_date(query.year, diet_member_related=bool(row.diet_member_related), rules=rules),
            filed_at=row.first_filed_at,
        )
        for row in rows
    ]
    return Page[NonFiler](items=items, next_page_token=token)
