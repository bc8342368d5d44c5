"""Verify gateway-issued JWTs against the gateway's JWKS: signature, issuer, audience, expiry, revocation."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import jwt

from shared.auth.revocations import RevocationCache
from shared.web.problems import Unauthorized

ALGORITHMS = ["EdDSA"]
PSEUDONYM_DOMAIN_CLAIM = "psd"
"""Set by the gateway for a client configured with a pseudonym domain: the registry then shows it
its own pseudonyms (機関別符号) for residents instead of resident codes."""
_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Principal:
    """The calling system, as its token describes it."""

    client_id: str
    scopes: frozenset[str]
    token_id: str
    issued_at: float
    expires_at: float
    pseudonym_domain: str | None = None

    def has(self, scope: str) -> bool:
        return scope in self.scopes


class JwksSource(Protocol):
    async def fetch(self) -> dict[str, Any]: ...


class StaticJwksSource:
    """A fixed key set (the gateway verifying its own tokens; tests)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks

    async def fetch(self) -> dict[str, Any]:
        return self.jwks


class HttpJwksSource:
    """The gateway's published key set, fetched over HTTP."""

    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        self.url = url
        self.client = client

    async def fetch(self) -> dict[str, Any]:
        response = await self.client.get(self.url, timeout=5.0)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document


def _invalid(detail: str) -> Unauthorized:
    return Unauthorized(
        detail,
        slug="invalid-token",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


class TokenVerifier:
    """Caches keys by key id (refreshed when an unknown one appears) and verified tokens until expiry.

    A cached token is still checked against the revocations on every use.
    """

    def __init__(
        self,
        source: JwksSource,
        *,
        revocations: RevocationCache,
        issuer: str,
        audience: str,
        leeway_seconds: float = 5.0,
        min_refresh_interval: float = 5.0,
    ) -> None:
        self.source = source
        self.revocations = revocations
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self.min_refresh_interval = min_refresh_interval
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._refresh_lock = asyncio.Lock()
        self._verified: dict[str, Principal] = {}

    async def verify(self, token: str) -> Principal:
        principal = await self._verified_signature(token)
        await self.revocations.check(principal.client_id, principal.issued_at)
        return principal

    async def _verified_signature(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            if cached.expires_at + self.leeway > time.time():
                return cached
            del self._verified[token]
        principal = await self._verify_uncached(token)
        if len(self._verified) >= _CACHE_LIMIT:
            self._verified.clear()
        self._verified[token] = principal
        return principal

    async def _verify_uncached(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid("The bearer token is not a well-formed JWT.") from None
        kid = header.get("kid")
        if header.get("alg") not in ALGORITHMS or not isinstance(kid, str):
            raise _invalid("The bearer token is not signed with a key of the gateway.")
        key = await self._key(kid)
        if key is None:
            raise _invalid("The bearer token is signed with an unknown key.")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise _invalid("The bearer token has expired.") from None
        except jwt.InvalidAudienceError:
            raise _invalid(f"The bearer token is not meant for the {self.audience} service.") from None
        except jwt.PyJWTError:
            raise _invalid("The bearer token could not be verified.") from None
        scope = claims.get("scope", "")
        domain = claims.get(PSEUDONYM_DOMAIN_CLAIM)
        return Principal(
            client_id=str(claims["sub"]),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            token_id=str(claims["jti"]),
            issued_at=float(claims["iat"]),
            expires_at=float(claims["exp"]),
            pseudonym_domain=domain if isinstance(domain, str) and domain else None,
        )

    async def _key(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            return key
        async with self._refresh_lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.min_refresh_interval:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        try:
            jwks = await self.source.fetch()
        except (httpx.HTTPError, ValueError):
            self._fetched_at = time.monotonic()
            return
        keys: dict[str, Any] = {}
        for entry in jwks.get("keys", []):
            try:
                keys[entry["kid"]] = jwt.PyJWK.from_dict(entry).key
            except (KeyError, jwt.PyJWTError):
                continue
        self._keys = keys
        self._fetched_at = time.monotonic()
