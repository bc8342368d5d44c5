"""All SQL of subscriptions and their members, and the watched residents' events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, delete, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.tables import resident_events, residents, subscription_members, subscriptions

members = subscription_members
_CHUNK = 1000  # rows per statement: well under every driver's parameter limit


async def insert_subscription(session: AsyncSession, **values: Any) -> None:
    await session.execute(subscriptions.insert().values(**values))


async def subscription(session: AsyncSession, subscription_id: str) -> Row[Any] | None:
    statement = select(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
    return (await session.execute(statement)).one_or_none()


async def count_of_client(session: AsyncSession, client_id: str) -> int:
    statement = select(func.count()).select_from(subscriptions).where(subscriptions.c.client_id == client_id)
    return int((await session.execute(statement)).scalar_one())


_UPSERT_UNNEST = text(
    "INSERT INTO subscription_members (subscription_id, resident_code, purpose, added_at) "
    "SELECT :subscription_id, code, purpose, :added_at "
    "FROM unnest(CAST(:codes AS text[]), CAST(:purposes AS text[])) AS given(code, purpose) "
    "ON CONFLICT (subscription_id, resident_code) DO UPDATE SET purpose = excluded.purpose "
    "WHERE subscription_members.purpose <> excluded.purpose"
)


async def upsert_members(
    session: AsyncSession, subscription_id: str, purposes: Mapping[str, str], added_at: datetime
) -> None:
    """Add members (resident code -> purpose); a resident already watched takes the new purpose.
    PostgreSQL: one statement over two arrays (a 10,000-row VALUES list cost 2 s to build)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            _UPSERT_UNNEST,
            {
                "subscription_id": subscription_id,
                "added_at": added_at,
                "codes": list(purposes),
                "purposes": list(purposes.values()),
            },
        )
        return
    rows = [
        {"subscription_id": subscription_id, "resident_code": code, "purpose": purpose, "added_at": added_at}
        for code, purpose in purposes.items()
    ]
    for start in range(0, len(rows), _CHUNK):
        statement = sqlite.insert(members).values(rows[start : start + _CHUNK])
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[members.c.subscription_id, members.c.resident_code],
                set_={"purpose": statement.excluded.purpose},
                where=members.c.purpose != statement.excluded.purpose,
            )
        )


async def delete_members(session: AsyncSession, subscription_id: str, resident_codes: Sequence[str]) -> int:
    removed = 0
    for start in range(0, len(resident_codes), _CHUNK):
        result = await session.execute(
            delete(members).where(
                members.c.subscription_id == subscription_id,
                members.c.resident_code.in_(resident_codes[start : start + _CHUNK]),
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


async def watched_events(
    session: AsyncSession, subscription_id: str, *, after: int, through: int, limit: int
) -> list[Row[Any]]:
    """The subscription's members' events in (after, through], in feed order, each with the
    resident's protection and the member's purpose."""
    statement = (
        select(resident_events, residents.c.protected, members.c.purpose)
        .join(
            members,
            and_(
                members.c.resident_code == resident_events.c.resident_code,
                members.c.subscription_id == subscription_id,
            ),
        )
        .join(residents, residents.c.resident_code == resident_events.c.resident_code)
        .where(resident_events.c.sequence > after, resident_events.c.sequence <= through)
        .order_by(resident_events.c.sequence)
        .limit(limit)
    )
    return list((await session.execute(statement)).all())


async def set_delivery_cursor(session: AsyncSession, subscription_id: str, cursor: int) -> None:
    await session.execute(
        subscriptions.update()
        .where(subscriptions.c.subscription_id == subscription_id)
        .values(delivery_cursor=cursor)
    )


async def claim(session: AsyncSession, subscription_id: str, *, now: datetime, until: datetime) -> bool:
    """Take the subscription's lease if no deliverer holds it: one deliverer per subscription at once."""
    result = await session.execute(
        subscriptions.update()
        .where(
            subscriptions.c.subscription_id == subscription_id,
            (subscriptions.c.lease_until.is_(None)) | (subscriptions.c.lease_until < now),
        )
        .values(lease_until=until)
    )
    return bool(getattr(result, "rowcount", 0))


async def set_lease(session: AsyncSession, subscription_id: str, until: datetime | None) -> None:
    """Renew the lease the caller holds (`until`), or release it (None)."""
    await session.execute(
        subscriptions.update()
        .where(subscriptions.c.subscription_id == subscription_id)
        .values(lease_until=until)
    )


async def with_webhooks(session: AsyncSession) -> list[str]:
    statement = (
        select(subscriptions.c.subscription_id)
        .where(subscriptions.c.webhook_url.is_not(None))
        .order_by(subscriptions.c.subscription_id)
    )
    return list((await session.execute(statement)).scalars())
