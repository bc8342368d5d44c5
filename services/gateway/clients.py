"""API clients: creation, secret rotation, disabling, and client authentication (rules, no HTTP)."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway import repository
from shared.auth.scopes import unknown_scopes

_hasher = PasswordHasher()
# Verifying against this when the client id is unknown costs the same time as a real check,
# so the answer's timing does not tell whether the id exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(32))


class ClientError(ValueError):
    pass


@dataclass(frozen=True)
class IssuedCredentials:
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class AuthenticatedClient:
    client_id: str
    scopes: frozenset[str]
    rate_limit_per_second: float | None


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def parse_scopes(text: str) -> set[str]:
    scopes = set(text.split())
    if unknown := unknown_scopes(scopes):
        raise ClientError(f"unknown scopes: {' '.join(unknown)}")
    return scopes


async def create_client(
    session: AsyncSession,
    *,
    name: str,
    scopes: set[str],
    rate_limit_per_second: float | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> IssuedCredentials:
    if unknown := unknown_scopes(scopes):
        raise ClientError(f"unknown scopes: {' '.join(unknown)}")
    if await repository.client_by_name(session, name) is not None:
        raise ClientError(f"a client named {name!r} exists already")
    client_id = client_id or uuid.uuid4().hex
    client_secret = client_secret or _new_secret()
    await repository.insert_client(
        session,
        client_id=client_id,
        name=name,
        secret_hash=_hasher.hash(client_secret),
        scopes=" ".join(sorted(scopes)),
        rate_limit_per_second=rate_limit_per_second,
        created_at=datetime.now(UTC),
    )
    return IssuedCredentials(client_id, client_secret)


async def rotate_secret(session: AsyncSession, client_id: str) -> IssuedCredentials:
    secret = _new_secret()
    changed = await repository.update_client(
        session, client_id, secret_hash=_hasher.hash(secret), secret_rotated_at=datetime.now(UTC)
    )
    if not changed:
        raise ClientError(f"no client {client_id}")
    return IssuedCredentials(client_id, secret)


async def disable(session: AsyncSession, client_id: str) -> None:
    if not await repository.update_client(session, client_id, disabled_at=datetime.now(UTC)):
        raise ClientError(f"no client {client_id}")


async def list_clients(session: AsyncSession) -> list[dict[str, Any]]:
    return [_describe(row) for row in await repository.all_clients(session)]


def _describe(row: Row[Any]) -> dict[str, Any]:
    return {
        "client_id": row.client_id,
        "name": row.name,
        "scopes": row.scopes,
        "rate_limit_per_second": row.rate_limit_per_second,
        "disabled": row.disabled_at is not None,
    }


def _secret_matches(stored_hash: str, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


async def authenticate(
    session: AsyncSession, client_id: str, client_secret: str
) -> AuthenticatedClient | None:
    """The client if the id and secret match an enabled client; None otherwise, whichever part was wrong."""
    row = await repository.client_by_id(session, client_id)
    stored_hash = row.secret_hash if row is not None else _DUMMY_HASH
    if not await asyncio.to_thread(_secret_matches, stored_hash, client_secret):
        return None
    if row is None or row.disabled_at is not None:
        return None
    return AuthenticatedClient(row.client_id, frozenset(row.scopes.split()), row.rate_limit_per_second)
