"""API clients: creation, secret rotation, disabling, client authentication, and which clients'
tokens are revoked (rules, no HTTP).

Disabling a client or rotating its secret sets its `tokens_valid_after`: the tokens it holds already
are refused everywhere once the revocation document (`shared/auth/revocations.py`) says so.
"""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway import repository
from shared.auth.revocations import DISABLED, Revocation, RevocationDocument, client_key
from shared.auth.scopes import unknown_scopes

_hasher = PasswordHasher()
# Verifying against this when the client id is unknown costs the same time as a real check,
# so the answer's timing does not tell whether the id exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(32))


PSEUDONYM_DOMAIN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""Clients sharing a domain (one agency's systems) see the same pseudonyms; the registry derives them."""


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
    pseudonym_domain: str | None = None


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
    pseudonym_domain: str | None = None,
) -> IssuedCredentials:
    if unknown := unknown_scopes(scopes):
        raise ClientError(f"unknown scopes: {' '.join(unknown)}")
    if await repository.client_by_name(session, name) is not None:
        raise ClientError(f"a client named {name!r} exists already")
    if pseudonym_domain is not None and not PSEUDONYM_DOMAIN.fullmatch(pseudonym_domain):
        raise ClientError("a pseudonym domain is 1-64 lowercase letters, digits, '.', '_' or '-'")
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
        pseudonym_domain=pseudonym_domain,
    )
    return IssuedCredentials(client_id, client_secret)


async def rotate_secret(session: AsyncSession, client_id: str) -> IssuedCredentials:
    """A new secret; the old one, and every token issued with it, stop working."""
    secret = _new_secret()
    now = datetime.now(UTC)
    changed = await repository.update_client(
        session,
        client_id,
        secret_hash=_hasher.hash(secret),
        secret_rotated_at=now,
        tokens_valid_after=now,
    )
    if not changed:
        raise ClientError(f"no client {client_id}")
    return IssuedCredentials(client_id, secret)


async def disable(session: AsyncSession, client_id: str) -> None:
    """No more tokens for the client, and those it holds are refused."""
    now = datetime.now(UTC)
    if not await repository.update_client(session, client_id, disabled_at=now, tokens_valid_after=now):
        raise ClientError(f"no client {client_id}")


def not_before(tokens_valid_after: datetime) -> int:
    """The first whole second whose tokens count: `iat` is in whole seconds, so a token issued in
    the second of a rotation but before it must read as older."""
    return math.ceil(tokens_valid_after.timestamp())


async def revocation_document(
    session: AsyncSession, *, now: datetime, token_ttl: int, clock_skew: timedelta
) -> RevocationDocument:
    """Revoked clients that may still hold a live token; older revocations have nothing left to refuse."""
    since = now - timedelta(seconds=token_ttl) - clock_skew
    revoked: dict[str, Revocation] = {
        client_key(client.client_id): DISABLED if client.disabled else not_before(client.tokens_valid_after)
        for client in await repository.clients_revoked_since(session, since)
    }
    return RevocationDocument(clients=revoked, generated_at=now)


async def list_clients(session: AsyncSession) -> list[dict[str, Any]]:
    return [_describe(row) for row in await repository.all_clients(session)]


def _describe(row: Row[Any]) -> dict[str, Any]:
    return {
        "client_id": row.client_id,
        "name": row.name,
        "scopes": row.scopes,
        "rate_limit_per_second": row.rate_limit_per_second,
        "disabled": row.disabled_at is not None,
        "pseudonym_domain": row.pseudonym_domain,
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
    if row.tokens_valid_after is not None:
        await _until_tokens_count(row.tokens_valid_after)
    return AuthenticatedClient(
        row.client_id, frozenset(row.scopes.split()), row.rate_limit_per_second, row.pseudonym_domain
    )


async def _until_tokens_count(tokens_valid_after: datetime) -> None:
    """Wait out the second of a rotation, at most once and at most a second, so that the token
    about to be signed is not refused as issued before it."""
    wait = not_before(tokens_valid_after) - time.time()
    if 0 < wait <= 1:
        await asyncio.sleep(wait)
