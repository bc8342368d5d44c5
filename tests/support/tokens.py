"""Tokens signed the way the gateway signs them, with a key the tests control, and revocation
documents the tests write."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any, TypedDict

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth.revocations import (
    RevocationCache,
    RevocationDocument,
    RevocationSource,
    StaticRevocationSource,
)
from shared.auth.tokens import PSEUDONYM_DOMAIN_CLAIM, StaticJwksSource

ISSUER = "jichi-gateway"


class GatewayPublications(TypedDict):
    jwks_url: str
    revocations_url: str


def published_by(gateway_url: str) -> GatewayPublications:
    """The settings that point a service at the keys and revocations a running gateway publishes."""
    return {
        "jwks_url": f"{gateway_url}/.well-known/jwks.json",
        "revocations_url": f"{gateway_url}/.well-known/revocations.json",
    }


def no_revocations() -> StaticRevocationSource:
    """A revocation document that revokes nothing; revoke by replacing its `document`."""
    return StaticRevocationSource(RevocationDocument(clients={}, generated_at=datetime.now(UTC)))


async def refreshed_revocations(source: RevocationSource | None = None) -> RevocationCache:
    """A cache that has read `source` once, as a service has after starting."""
    cache = RevocationCache(source or no_revocations(), refresh_seconds=5.0, max_age_seconds=60.0)
    await cache.refresh()
    return cache


class TokenFactory:
    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.private_key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, alg="EdDSA", use="sig")
        return {"keys": [jwk]}

    def source(self) -> StaticJwksSource:
        return StaticJwksSource(self.jwks())

    def token(
        self,
        *scopes: str,
        audience: str | list[str] | None = None,
        client_id: str = "test-client",
        expires_in: int = 600,
        issuer: str = ISSUER,
        kid: str | None = None,
        key: Ed25519PrivateKey | None = None,
        issued_at: int | None = None,
        pseudonym_domain: str | None = None,
    ) -> str:
        now = issued_at if issued_at is not None else int(time.time())
        claims = {
            "iss": issuer,
            "sub": client_id,
            "aud": audience if audience is not None else sorted({s.split(":")[0] for s in scopes}),
            "iat": now,
            "nbf": now,
            "exp": now + expires_in,
            "jti": secrets.token_hex(8),
            "scope": " ".join(scopes),
        }
        if pseudonym_domain is not None:
            claims[PSEUDONYM_DOMAIN_CLAIM] = pseudonym_domain
        return jwt.encode(
            claims, key or self.private_key, algorithm="EdDSA", headers={"kid": kid or self.kid}
        )

    def headers(self, *scopes: str, audience: str | list[str] | None = None, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*scopes, audience=audience)}", **extra}
