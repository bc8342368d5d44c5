"""Signing keys: Ed25519, stored encrypted, published as a JWKS, rotated without breaking live tokens.

After a rotation the old key signs nothing more but stays in the JWKS until every token it signed
has expired, so services keep verifying them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway import repository
from shared.auth.scopes import audiences_of
from shared.auth.tokens import PSEUDONYM_DOMAIN_CLAIM
from shared.db.engine import Database

CLOCK_SKEW = timedelta(seconds=60)


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    public_jwk: dict[str, Any]
    retired: bool


def new_key_values(secret: str, now: datetime) -> dict[str, Any]:
    private_key = Ed25519PrivateKey.generate()
    kid = uuid.uuid4().hex[:16]
    jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk.update(kid=kid, alg="EdDSA", use="sig")
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "kid": kid,
        "private_key": _fernet(secret).encrypt(pem),
        "public_jwk": jwk,
        "created_at": now,
    }


class KeyRing:
    """The keys of the gateway's database, re-read every `cache_seconds` (several replicas share them)."""

    def __init__(self, database: Database, *, secret: str, token_ttl: int, cache_seconds: float) -> None:
        self.database = database
        self.secret = secret
        self.token_ttl = token_ttl
        self.cache_seconds = cache_seconds
        self._keys: list[SigningKey] = []
        self._loaded_at = float("-inf")

    async def keys(self) -> list[SigningKey]:
        if time.monotonic() - self._loaded_at >= self.cache_seconds or not self._keys:
            await self.reload()
        return self._keys

    async def reload(self) -> None:
        async with self.database.sessionmaker() as session:
            rows = await repository.usable_signing_keys(session, datetime.now(UTC))
            if not any(row.retired_at is None for row in rows):
                await repository.insert_signing_key(session, **new_key_values(self.secret, datetime.now(UTC)))
                await session.commit()
                rows = await repository.usable_signing_keys(session, datetime.now(UTC))
        fernet = _fernet(self.secret)
        keys = []
        for row in rows:
            pem = fernet.decrypt(row.private_key)
            private_key = serialization.load_pem_private_key(pem, password=None)
            assert isinstance(private_key, Ed25519PrivateKey)
            keys.append(SigningKey(row.kid, private_key, dict(row.public_jwk), row.retired_at is not None))
        self._keys = keys
        self._loaded_at = time.monotonic()

    async def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in await self.keys()]}

    async def sign(
        self,
        *,
        client_id: str,
        scopes: set[str],
        issuer: str,
        rate: float | None,
        pseudonym_domain: str | None = None,
    ) -> str:
        active = next(key for key in await self.keys() if not key.retired)
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer,
            "sub": client_id,
            "aud": audiences_of(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + self.token_ttl,
            "jti": secrets.token_hex(12),
            "scope": " ".join(sorted(scopes)),
        }
        if rate is not None:
            claims["rl"] = rate
        if pseudonym_domain is not None:
            claims[PSEUDONYM_DOMAIN_CLAIM] = pseudonym_domain
        return jwt.encode(claims, active.private_key, algorithm="EdDSA", headers={"kid": active.kid})


async def rotate(session: AsyncSession, *, secret: str, token_ttl: int) -> str:
    """A new active key; the old ones sign no more and expire when their last token could."""
    now = datetime.now(UTC)
    await repository.retire_signing_keys(session, now, now + timedelta(seconds=token_ttl) + CLOCK_SKEW)
    values = new_key_values(secret, now)
    await repository.insert_signing_key(session, **values)
    kid: str = values["kid"]
    return kid
