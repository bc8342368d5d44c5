"""All SQL of reviewer panels, assignments and scores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import call_reviewers, review_assignments, review_scores
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_reviewer(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(call_reviewers).values(**values))


async def get_reviewer(session: AsyncSession, call_id: int, reviewer_id: str) -> Row[Any] | None:
    statement = select(call_reviewers).where(
        call_reviewers.c.call_id == call_id, call_reviewers.c.reviewer_id == reviewer_id
    )
    return (await session.execute(statement)).one_or_none()


async def page_reviewers(
    session: AsyncSession, page: PageRequest, *, call_id: int
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(call_reviewers).where(call_reviewers.c.call_id == call_id),
        sort_columns=[call_reviewers.c.reviewer_id],
        page=page,
        fingerprint=query_fingerprint("list_call_reviewers", call_id=call_id),
        position_of=lambda row: [row.reviewer_id],
    )


async def insert_assignment(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(review_assignments).values(**values))


async def get_assignment(session: AsyncSession, application_id: int, reviewer_id: str) -> Row[Any] | None:
    statement = select(review_assignments).where(
        review_assignments.c.application_id == application_id, review_assignments.c.reviewer_id == reviewer_id
    )
    return (await session.execute(statement)).one_or_none()


async def insert_score(session: AsyncSession, values: dict[str, Any]) -> int:
    return int(await session.scalar(insert(review_scores).values(**values).returning(review_scores.c.id)))


async def scores_of(
    session: AsyncSession, application_id: int, *, reviewer_id: str | None = None
) -> list[Row[Any]]:
    statement = select(review_scores).where(review_scores.c.application_id == application_id)
    if reviewer_id is not None:
        statement = statement.where(review_scores.c.reviewer_id == reviewer_id)
    return list((await session.execute(statement.order_by(review_scores.c.id))).all())
