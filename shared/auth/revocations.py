"""Revoked tokens: the gateway's revocation document, and the cache every verifier keeps of it.

Disabling a client, or rotating its secret, must stop the tokens it already holds everywhere within
seconds, although each service verifies tokens itself. The gateway publishes
`/.well-known/revocations.json`: for each client disabled or rotated within the last token lifetime,
"disabled" or the epoch second before which its tokens were issued and no longer count. A
`RevocationCache` re-reads it in the background every few seconds; checking a token reads memory only
(once a first document has arrived).

Clients are named by the SHA-256 of their id, so the public document tells an outsider neither which
clients exist nor which were disabled; a verifier hashes the `sub` of the token it checks.

When the document cannot be refreshed, the last copy is trusted for `max_age_seconds`; after that every
token is refused with 503 until a refresh succeeds (fail closed): a disabled client's token must not
come back to life because the gateway was unreachable, and personal data is behind these tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import math
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Final, Literal, Protocol

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field

from shared.web.problems import ServiceUnavailable, Unauthorized

log = structlog.get_logger("jichi.auth.revocations")

DISABLED: Final = "disabled"
_FETCH_TIMEOUT_SECONDS = 5.0

Revocation = int | Literal["disabled"]


class RevocationDocument(BaseModel):
    """Whose tokens no longer count."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "clients": {
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08": 1796500800,
                        "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752": "disabled",
                    },
                    "generated_at": "2026-12-06T04:00:00Z",
                }
            ]
        }
    )

    clients: dict[str, Revocation] = Field(
        description="Keyed by the SHA-256 (hex) of a client id: 'disabled', or the epoch second before "
        "which the client's tokens were issued and are refused. Clients whose every revoked token has "
        "expired are left out."
    )
    generated_at: datetime = Field(description="When the gateway read this from its database.")


@functools.lru_cache(maxsize=4096)
def client_key(client_id: str) -> str:
    """How the revocation document names a client (every token check asks; the callers are few)."""
    return hashlib.sha256(client_id.encode()).hexdigest()


def revoked_because(revocation: Revocation | None, issued_at: float) -> str | None:
    """Why a token issued at `issued_at` no longer counts, or None while it does."""
    if revocation == DISABLED:
        return "The client of this token has been disabled."
    if isinstance(revocation, int) and issued_at < revocation:
        return "This token was issued before its client's secret was rotated; request a new token."
    return None


class RevocationSource(Protocol):
    async def fetch(self) -> RevocationDocument: ...


class StaticRevocationSource:
    """A document held in memory (tests); change `document` to revoke."""

    def __init__(self, document: RevocationDocument) -> None:
        self.document = document

    async def fetch(self) -> RevocationDocument:
        return self.document


class HttpRevocationSource:
    """The gateway's published document, fetched with If-None-Match: unchanged, it costs a 304."""

    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        self.url = url
        self.client = client
        self._etag: str | None = None
        self._document: RevocationDocument | None = None

    async def fetch(self) -> RevocationDocument:
        headers = {"If-None-Match": self._etag} if self._etag and self._document else {}
        response = await self.client.get(self.url, headers=headers, timeout=_FETCH_TIMEOUT_SECONDS)
        if response.status_code == 304 and self._document is not None:
            return self._document
        response.raise_for_status()
        document = RevocationDocument.model_validate_json(response.content)
        self._etag = response.headers.get("etag")
        self._document = document
        return document


class RevocationCache:
    """The latest revocation document, refreshed in the background, and the check every token passes."""

    def __init__(self, source: RevocationSource, *, refresh_seconds: float, max_age_seconds: float) -> None:
        self.source = source
        self.refresh_seconds = refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.document: RevocationDocument | None = None
        self.last_refresh_succeeded = False
        self._refreshed_at = float("-inf")
        self._first_fetch: asyncio.Future[None] | None = None

    async def refresh(self) -> None:
        """One fetch; a failure is logged and leaves the last document in place."""
        try:
            async with asyncio.timeout(_FETCH_TIMEOUT_SECONDS):
                document = await self.source.fetch()
        except Exception as exc:
            # Whatever broke (network, gateway, a malformed answer), the document just grows older.
            self.last_refresh_succeeded = False
            log.warning(
                "revocations_refresh_failed", error=type(exc).__name__, source=type(self.source).__name__
            )
            return
        self.document = document
        self._refreshed_at = time.monotonic()
        self.last_refresh_succeeded = True

    @contextlib.asynccontextmanager
    async def refreshing(self) -> AsyncIterator[None]:
        """Refresh once now, then every `refresh_seconds` until the block ends."""
        await self.refresh()
        task = asyncio.create_task(self._refresh_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            await self.refresh()

    async def check(self, client_id: str, issued_at: float) -> None:
        """Raise the problem that refuses this token: 401 if revoked, 503 if revocations are unknown."""
        if self.document is None:
            await self._first_document()
        age = time.monotonic() - self._refreshed_at
        if self.document is None or age > self.max_age_seconds:
            raise _revocations_unknown(age, self.refresh_seconds)
        reason = revoked_because(self.document.clients.get(client_key(client_id)), issued_at)
        if reason is not None:
            raise Unauthorized(
                reason,
                slug="token-revoked",
                title="Token revoked",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

    async def _first_document(self) -> None:
        """A service that started before the gateway asks again at its first token instead of
        refusing until the next refresh; requests arriving meanwhile share that one fetch."""
        if self._first_fetch is None or self._first_fetch.done():
            self._first_fetch = asyncio.ensure_future(self.refresh())
        await asyncio.shield(self._first_fetch)


def _revocations_unknown(age: float, refresh_seconds: float) -> ServiceUnavailable:
    known = "never been fetched" if math.isinf(age) else f"not been refreshed for {age:.0f} s"
    return ServiceUnavailable(
        f"The gateway's list of revoked tokens has {known}, so no token can be trusted; retry shortly.",
        slug="revocations-unavailable",
        title="Token revocations unknown",
        headers={"Retry-After": str(max(1, math.ceil(refresh_seconds)))},
    )
