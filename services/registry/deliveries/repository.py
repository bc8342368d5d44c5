"""All SQL of webhook deliveries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.tables import subscription_deliveries
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

deliveries = subscription_deliveries


async def insert(session: AsyncSession, **values: Any) -> None:
    await session.execute(deliveries.insert().values(**values))


async def oldest_pending(session: AsyncSession, subscription_id: str) -> Row[Any] | None:
    """The subscription's oldest delivery still to be made: later ones wait for it (in order)."""
    statement = (
        select(deliveries)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.status == "pending")
        .order_by(deliveries.c.created_at, deliveries.c.through_sequence)
        .limit(1)
    )
    return (await session.execute(statement)).one_or_none()


async def delivery(session: AsyncSession, subscription_id: str, delivery_id: str) -> Row[Any] | None:
    statement = select(deliveries).where(
        deliveries.c.subscription_id == subscription_id, deliveries.c.delivery_id == delivery_id
    )
    return (await session.execute(statement)).one_or_none()


async def update_delivery(
    session: AsyncSession, delivery_id: str, *, expected_status: str, **values: Any
) -> bool:
    """Change a delivery only if it still has `expected_status` (a replay racing a deliverer, or
    two deliverers, change nothing twice)."""
    statement = update(deliveries).where(
        deliveries.c.delivery_id == delivery_id, deliveries.c.status == expected_status
    )
    result = await session.execute(statement.values(**values))
    return bool(getattr(result, "rowcount", 0))


async def page(
    session: AsyncSession, subscription_id: str, *, status: str | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    """The subscription's deliveries, oldest first (keyset on creation time and id)."""
    statement = select(deliveries).where(deliveries.c.subscription_id == subscription_id)
    if status is not None:
        statement = statement.where(deliveries.c.status == status)
    return await keyset_page(
        session,
        statement,
        sort_columns=(deliveries.c.created_at, deliveries.c.delivery_id),
        page=page,
        fingerprint=query_fingerprint("subscription_deliveries", subscription=subscription_id, status=status),
        position_of=lambda row: (row.created_at, row.delivery_id),
    )
