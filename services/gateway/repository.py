"""All of the gateway's SQL: clients and signing keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway.tables import clients, signing_keys


async def insert_client(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(clients).values(**values))


async def client_by_id(session: AsyncSession, client_id: str) -> Row[Any] | None:
    return (await session.execute(select(clients).where(clients.c.client_id == client_id))).one_or_none()


async def client_by_name(session: AsyncSession, name: str) -> Row[Any] | None:
    return (await session.execute(select(clients).where(clients.c.name == name))).one_or_none()


async def all_clients(session: AsyncSession) -> Sequence[Row[Any]]:
    return (await session.execute(select(clients).order_by(clients.c.name))).all()


async def update_client(session: AsyncSession, client_id: str, **values: Any) -> bool:
    result = await session.execute(update(clients).where(clients.c.client_id == client_id).values(**values))
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True, slots=True)
class RevokedClient:
    client_id: str
    tokens_valid_after: datetime
    disabled: bool


async def clients_revoked_since(session: AsyncSession, since: datetime) -> list[RevokedClient]:
    rows = await session.execute(
        select(clients.c.client_id, clients.c.tokens_valid_after, clients.c.disabled_at)
        .where(clients.c.tokens_valid_after > since)
        .order_by(clients.c.client_id)
    )
    return [RevokedClient(row.client_id, row.tokens_valid_after, row.disabled_at is not None) for row in rows]


async def insert_signing_key(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(signing_keys).values(**values))


async def usable_signing_keys(session: AsyncSession, now: datetime) -> Sequence[Row[Any]]:
    """Keys still published: not yet expired (newest first)."""
    return (
        await session.execute(
            select(signing_keys)
            .where((signing_keys.c.expires_at.is_(None)) | (signing_keys.c.expires_at > now))
            .order_by(signing_keys.c.created_at.desc())
        )
    ).all()


async def retire_signing_keys(session: AsyncSession, now: datetime, expires_at: datetime) -> None:
    await session.execute(
        update(signing_keys)
        .where(signing_keys.c.retired_at.is_(None))
        .values(retired_at=now, expires_at=expires_at)
    )
