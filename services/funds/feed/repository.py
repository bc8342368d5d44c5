"""All SQL of the filings feed (the `filings` outbox and its head)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.funds.tables import filing_feed_head, filings
from shared.db import sequence_head


@dataclass(frozen=True, slots=True)
class FeedFilters:
    organization_kind: str | None = None
    prefecture_code: str | None = None
    filed_since: datetime | None = None
    # None: every filing (the regulator); else only those of reports still public on that day.
    public_on: date | None = None


async def append(session: AsyncSession, values: dict[str, Any]) -> int:
    """Write the filing under the next sequence, taken now: call last before the commit."""
    sequence = await sequence_head.take_next(session, filing_feed_head)
    await session.execute(insert(filings).values(sequence=sequence, **values))
    return sequence


async def committed_head(session: AsyncSession) -> int:
    return await sequence_head.committed(session, filing_feed_head)


def _conditions(filters: FeedFilters) -> list[ColumnElement[bool]]:
    c = filings.c
    conditions: list[ColumnElement[bool]] = []
    if filters.organization_kind is not None:
        conditions.append(c.organization_kind == filters.organization_kind)
    if filters.prefecture_code is not None:
        conditions.append(c.prefecture_code == filters.prefecture_code)
    if filters.filed_since is not None:
        conditions.append(c.filed_at >= filters.filed_since)
    if filters.public_on is not None:
        conditions.append(c.public_until >= filters.public_on)
    return conditions


async def between(
    session: AsyncSession, *, after: int, upto: int, limit: int, filters: FeedFilters
) -> list[Row[Any]]:
    """Up to `limit` filings with after < sequence <= upto that the filters let through, in order."""
    statement = (
        select(filings)
        .where(and_(filings.c.sequence > after, filings.c.sequence <= upto, *_conditions(filters)))
        .order_by(filings.c.sequence)
        .limit(limit)
    )
    return list((await session.execute(statement)).all())
