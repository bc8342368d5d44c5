"""All SQL of results after award: milestones, outcome reports, and their public (open-data) reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.applications.states import AWARDED
from services.revitalization.tables import applications, award_milestones, award_outcomes
from services.revitalization.web import AwardFilters
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_milestone(session: AsyncSession, **values: Any) -> int:
    statement = insert(award_milestones).values(version=1, **values).returning(award_milestones.c.id)
    return int(await session.scalar(statement))


async def get_milestone(session: AsyncSession, application_id: int, milestone_id: int) -> Row[Any] | None:
    statement = select(award_milestones).where(
        award_milestones.c.id == milestone_id, award_milestones.c.application_id == application_id
    )
    return (await session.execute(statement)).one_or_none()


async def achieve_milestone(
    session: AsyncSession,
    milestone_id: int,
    *,
    expected_version: int,
    achieved_date: date,
    actor: str,
    at: datetime,
) -> bool:
    """Record the achievement only if nobody did meanwhile (the version) and it was not achieved before."""
    result = await session.execute(
        update(award_milestones)
        .where(
            award_milestones.c.id == milestone_id,
            award_milestones.c.version == expected_version,
            award_milestones.c.achieved_date.is_(None),
        )
        .values(achieved_date=achieved_date, reported_by=actor, reported_at=at, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_outcome(session: AsyncSession, **values: Any) -> Row[Any]:
    statement = insert(award_outcomes).values(**values).returning(*award_outcomes.c)
    return (await session.execute(statement)).one()


def _public(table: Any, filters: AwardFilters) -> Select[Any]:
    """A table's rows joined to their awards (only awarded applications are public), filtered."""
    statement = (
        select(
            table, applications.c.programme_code, applications.c.fiscal_year, applications.c.municipality_code
        )
        .join(applications, applications.c.id == table.c.application_id)
        .where(applications.c.state.in_([state.value for state in AWARDED]))
    )
    for name, value in asdict(filters).items():
        if value is not None:
            statement = statement.where(applications.c[name] == value)
    return statement


async def _page(
    session: AsyncSession, page: PageRequest, statement: Select[Any], table: Any, name: str, **criteria: Any
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        statement,
        sort_columns=[table.c.id],
        page=page,
        fingerprint=query_fingerprint(name, **criteria),
        position_of=lambda row: [row.id],
    )


async def page_public_outcomes(
    session: AsyncSession, page: PageRequest, filters: AwardFilters, *, indicator: str | None
) -> tuple[list[Row[Any]], str | None]:
    statement = _public(award_outcomes, filters)
    if indicator is not None:
        statement = statement.where(award_outcomes.c.indicator == indicator)
    criteria = {**asdict(filters), "indicator": indicator}
    return await _page(session, page, statement, award_outcomes, "list_public_outcomes", **criteria)


async def page_public_milestones(
    session: AsyncSession, page: PageRequest, filters: AwardFilters
) -> tuple[list[Row[Any]], str | None]:
    statement = _public(award_milestones, filters)
    return await _page(
        session, page, statement, award_milestones, "list_public_milestones", **asdict(filters)
    )


async def outcomes_of(session: AsyncSession, application_ids: Sequence[int]) -> list[Row[Any]]:
    """Every outcome report of these awards, oldest measurement first (the last one per indicator wins)."""
    if not application_ids:
        return []
    statement = (
        select(award_outcomes)
        .where(award_outcomes.c.application_id.in_(list(application_ids)))
        .order_by(award_outcomes.c.application_id, award_outcomes.c.measured_on, award_outcomes.c.id)
    )
    return list((await session.execute(statement)).all())
