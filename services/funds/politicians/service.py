"""Registering politicians, and their money across the organizations that belong to them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.politicians import repository
from shared.contracts.funds import DONATION_CATEGORIES, Direction, LineCategory, direction_of
from shared.contracts.funds_feed import (
    OrganizationTotals,
    Politician,
    PoliticianIn,
    PoliticianTotals,
    YearTotals,
)
from shared.values import utc_now
from shared.web.pagination import Page, PageRequest
from shared.web.problems import NotFound


def to_model(row: Row[Any]) -> Politician:
    return Politician.model_validate(dict(row._mapping))


async def register(session: AsyncSession, body: PoliticianIn) -> Row[Any]:
    politician_id = await repository.create(session, name=body.name, office=body.office.value, now=utc_now())
    row = await repository.get(session, politician_id)
    assert row is not None, "created in this transaction"
    return row


async def get_or_404(session: AsyncSession, politician_id: int) -> Row[Any]:
    row = await repository.get(session, politician_id)
    if row is None:
        raise NotFound(f"No politician {politician_id}.")
    return row


async def list_page(session: AsyncSession, page: PageRequest) -> Page[Politician]:
    rows, token = await repository.page(session, page)
    return Page[Politician](items=[to_model(row) for row in rows], next_page_token=token)


def year_totals(year: int, sums: Iterable[tuple[LineCategory, int]]) -> YearTotals:
    """A year's income, expenditure and donations from its category sums."""
    categories: dict[LineCategory, int] = defaultdict(int)
    for category, amount in sums:
        categories[category] += amount
    income = sum(v for k, v in categories.items() if direction_of(k) is Direction.income)
    return YearTotals(
        year=year,
        income_total=income,
        expenditure_total=sum(categories.values()) - income,
        donation_total=sum(v for k, v in categories.items() if k in DONATION_CATEGORIES),
        category_totals=dict(sorted(categories.items())),
    )


async def totals(
    session: AsyncSession, politician: Row[Any], *, public_on: date | None, year: int | None
) -> PoliticianTotals:
    """Per year across all the politician's organizations, and per organization."""
    rows = await repository.totals(session, politician.id, public_on=public_on, year=year)
    by_organization: dict[int, dict[int, list[tuple[LineCategory, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    overall: dict[int, list[tuple[LineCategory, int]]] = defaultdict(list)
    for row in rows:
        entry = (LineCategory(row.category), int(row.total))
        by_organization[row.organization_id][row.year].append(entry)
        overall[row.year].append(entry)
    organizations = [
        OrganizationTotals(
            organization_id=organization.id,
            organization_name=organization.name,
            organization_kind=organization.kind,
            years=[year_totals(y, sums) for y, sums in sorted(by_organization[organization.id].items())],
        )
        for organization in await repository.organizations_of(session, politician.id)
    ]
    return PoliticianTotals(
        politician_id=politician.id,
        name=politician.name,
        office=politician.office,
        years=[year_totals(y, sums) for y, sums in sorted(overall.items())],
        organizations=organizations,
    )
