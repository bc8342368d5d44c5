"""Who is calling, as far as rate limiting needs to know: the token's client, verified and cached.

The services verify tokens fully themselves; the gateway only needs a trustworthy key to count
requests under, so an invalid or revoked token simply counts under the caller's address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from services.gateway.keys import KeyRing
from shared.auth.revocations import RevocationCache
from shared.web.problems import Problem

_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    client_id: str
    rate_limit_per_second: float | None
    issued_at: float
    expires_at: float


class CallerIdentifier:
    def __init__(self, keyring: KeyRing, issuer: str, revocations: RevocationCache) -> None:
        self.keyring = keyring
        self.issuer = issuer
        self.revocations = revocations
        self._cache: dict[str, CallerIdentity] = {}

    async def identify(self, authorization: str | None) -> CallerIdentity | None:
        if not authorization or authorization[:7].lower() != "bearer ":
            return None
        identity = await self._signed_identity(authorization[7:].strip())
        if identity is None:
            return None
        try:
            await self.revocations.check(identity.client_id, identity.issued_at)
        except Problem:
            return None
        return identity

    async def _signed_identity(self, token: str) -> CallerIdentity | None:
        cached = self._cache.get(token)
        if cached is not None and cached.expires_at > time.time():
            return cached
        identity = await self._verify(token)
        if identity is not None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = identity
        return identity

    async def _verify(self, token: str) -> CallerIdentity | None:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = next((k for k in await self.keyring.keys() if k.kid == kid), None)
            if key is None:
                return None
            claims = jwt.decode(
                token,
                key.private_key.public_key(),
                algorithms=["EdDSA"],
                issuer=self.issuer,
                options={"verify_aud": False, "require": ["exp", "iat", "sub"]},
            )
        except jwt.PyJWTError:
            return None
        rate = claims.get("rl")
        return CallerIdentity(
            str(claims["sub"]),
            float(rate) if isinstance(rate, int | float) else None,
            issued_at=float(claims["iat"]),
            expires_at=float(claims["exp"]),
        )
