"""Who is calling, as far as rate limiting needs to know: the token's client, verified and cached.

The services verify tokens fully themselves; the gateway only needs a trustworthy key to count
requests under, so an invalid token simply counts under the caller's address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

from services.gateway.keys import KeyRing

_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    client_id: str
    rate_limit_per_second: float | None
    expires_at: float


class CallerIdentifier:
    def __init__(self, keyring: KeyRing, issuer: str) -> None:
        self.keyring = keyring
        self.issuer = issuer
        self._cache: dict[str, CallerIdentity] = {}

    async def identify(self, authorization: str | None) -> CallerIdentity | None:
        if not authorization or authorization[:7].lower() != "bearer ":
            return None
        token = authorization[7:].strip()
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
                options={"verify_aud": False, "require": ["exp", "sub"]},
            )
        except jwt.PyJWTError:
            return None
        rate = claims.get("rl")
        return CallerIdentity(
            str(claims["sub"]), float(rate) if isinstance(rate, int | float) else None, float(claims["exp"])
        )
