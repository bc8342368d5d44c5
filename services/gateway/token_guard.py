"""What stands between `POST /oauth/token` and a secret-guessing caller.

Three bounds, checked before any secret is hashed: a rate per address and a rate per client id
(GCRA, shared through Redis like every other limit), and a lockout of a client id or an address
after consecutive failures, doubling with each further failure. argon2 costs a core for tens of
milliseconds, so at most one verification per core runs at once; the rest wait their turn.

A lockout of a client id also refuses that client's right secret until it ends: that is the
price of bounding guesses spread over many addresses, and why it starts short.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog

from services.gateway.metrics import RATE_LIMITED, TOKEN_FAILURES, TOKEN_LOCKOUTS
from services.gateway.ratelimit import Limit, RateLimiter
from services.gateway.settings import GatewaySettings

log = structlog.get_logger("jichi.gateway.token")

# Failure records kept at most; the oldest lapsed ones go first.
_MAX_RECORDS = 100_000


@dataclass(slots=True)
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class Lockouts:
    """Consecutive failures per key, and how long the key is locked after them."""

    def __init__(self, *, after: int, first_seconds: float, max_seconds: float) -> None:
        self.after = after
        self.first_seconds = first_seconds
        self.max_seconds = max_seconds
        self._records: dict[str, _Failures] = {}

    def wait(self, key: str) -> float:
        record = self._records.get(key)
        return max(0.0, record.locked_until - time.monotonic()) if record else 0.0

    def fail(self, key: str) -> float:
        """Count a failure; the lockout it starts, in seconds (0 when none)."""
        now = time.monotonic()
        record = self._records.get(key)
        if record is None:
            if len(self._records) >= _MAX_RECORDS:
                self._forget_lapsed(now)
            record = self._records[key] = _Failures()
        record.count += 1
        if record.count < self.after:
            return 0.0
        seconds: float = min(self.max_seconds, self.first_seconds * 2.0 ** (record.count - self.after))
        record.locked_until = now + seconds
        return seconds

    def succeed(self, key: str) -> None:
        self._records.pop(key, None)

    def _forget_lapsed(self, now: float) -> None:
        keep = {key: record for key, record in self._records.items() if record.locked_until > now}
        self._records = keep if len(keep) < _MAX_RECORDS else {}


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str
    retry_after: float


class TokenGuard:
    def __init__(self, settings: GatewaySettings, limiter: RateLimiter) -> None:
        self.limiter = limiter
        self.address_limit = Limit(
            "token-address", settings.token_rate_per_address, settings.token_burst_per_address
        )
        self.client_limit = Limit(
            "token-client", settings.token_rate_per_client, settings.token_burst_per_client
        )
        self.lockouts = Lockouts(
            after=settings.token_lockout_after,
            first_seconds=settings.token_lockout_seconds,
            max_seconds=settings.token_lockout_max_seconds,
        )
        self._hashing = asyncio.Semaphore(settings.password_hash_concurrency or os.cpu_count() or 1)

    async def refusal(self, client_id: str, address: str) -> Refusal | None:
        """Why this attempt may not be checked now, or None."""
        for by, key in zip(("client", "address"), _keys(client_id, address), strict=True):
            wait = self.lockouts.wait(key)
            if wait > 0:
                TOKEN_LOCKOUTS.labels(by).inc()
                return Refusal(f"locked out by {by} after repeated failures", wait)
        client_key, address_key = _keys(client_id, address)
        for limit, key in ((self.address_limit, address_key), (self.client_limit, client_key)):
            decision = await self.limiter.acquire(f"{limit.name}:{key}", limit)
            if not decision.allowed:
                RATE_LIMITED.labels(limit.name).inc()
                return Refusal("too many token requests", decision.wait)
        return None

    @asynccontextmanager
    async def verifying(self) -> AsyncIterator[None]:
        """Hold one of the per-core places for a secret's verification."""
        async with self._hashing:
            yield

    def record(self, client_id: str, address: str, *, succeeded: bool) -> None:
        keys = _keys(client_id, address)
        if succeeded:
            for key in keys:
                self.lockouts.succeed(key)
            return
        TOKEN_FAILURES.inc()
        for key in keys:
            seconds = self.lockouts.fail(key)
            if seconds:
                # The client id is no secret, and naming it is what lets an operator act.
                log.warning("token_lockout", key=key, seconds=round(seconds, 1))


def _keys(client_id: str, address: str) -> tuple[str, str]:
    """The keys a token request is counted under: its client id, and the address it came from."""
    return f"client:{client_id}", f"address:{address}"
