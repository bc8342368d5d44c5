"""Recording filings in the feed, and reading it from a cursor.

A reader reads the committed head first, then the filings up to it: everything at or below the
head has committed (see `shared.db.sequence_head`), so the cursor handed back (the last filing
shown, or the head when nothing more matched) never passes a filing that is still to appear.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.feed import repository
from services.funds.feed.repository import FeedFilters
from shared.contracts.funds import OrganizationKind, ReportVersionSummary
from shared.contracts.funds_feed import Filing, FilingFeed
from shared.values import JST


async def record(
    session: AsyncSession,
    *,
    organization: Row[Any],
    report_id: int,
    filed: ReportVersionSummary,
    public_until: date,
) -> int:
    """Put a filed version in the feed, in the filing's transaction; call it as the filing's last
    statement, since the feed's head stays locked until the commit. Returns its sequence."""
    return await repository.append(
        session,
        {
            "report_id": report_id,
            "organization_id": organization.id,
            "organization_name": organization.name,
            "organization_kind": organization.kind,
            "prefecture_code": organization.office_municipality_code[:2],
            "year": filed.year,
            "version": filed.version,
            "reason": filed.reason,
            "filed_at": filed.filed_at,
            "due_date": filed.due_date,
            "filed_late": filed.filed_late,
            "income_total": filed.income_total,
            "expenditure_total": filed.expenditure_total,
            "balance": filed.balance,
            "line_count": filed.line_count,
            "public_until": public_until,
        },
    )


def filters(
    *,
    organization_kind: OrganizationKind | None,
    prefecture: str | None,
    filed_since: date | None,
    public_on: date | None,
) -> FeedFilters:
    """The feed's filters; `filed_since` is a day of Japan's calendar (from its 00:00 JST)."""
    since = datetime.combine(filed_since, time(0), tzinfo=JST) if filed_since is not None else None
    return FeedFilters(
        organization_kind=organization_kind.value if organization_kind is not None else None,
        prefecture_code=prefecture,
        filed_since=since,
        public_on=public_on,
    )


def _filing(row: Row[Any]) -> Filing:
    return Filing(
        sequence=row.sequence,
        organization_id=row.organization_id,
        organization_name=row.organization_name,
        organization_kind=row.organization_kind,
        prefecture_code=row.prefecture_code,
        year=row.year,
        version=row.version,
        amends_version=row.version - 1 if row.version > 1 else None,
        reason=row.reason,
        filed_at=row.filed_at,
        due_date=row.due_date,
        filed_late=row.filed_late,
        income_total=row.income_total,
        expenditure_total=row.expenditure_total,
        balance=row.balance,
        line_count=row.line_count,
    )


async def page(session: AsyncSession, *, after: int, limit: int, feed_filters: FeedFilters) -> FilingFeed:
    upto = await repository.committed_head(session)
    rows = await repository.between(session, after=after, upto=upto, limit=limit + 1, filters=feed_filters)
    has_more = len(rows) > limit
    rows = rows[:limit]
    # Nothing more up to the head: the filtered-out filings below it need not be read again.
    next_cursor = rows[-1].sequence if has_more else max(after, upto)
    return FilingFeed(items=[_filing(row) for row in rows], next_cursor=next_cursor, has_more=has_more)
