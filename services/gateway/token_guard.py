"""What stands between `POST /oauth/token` and a secret-guessing caller.

Three bounds, checked before any secret is hashed: a rate per address and a rate per client id
(GCRA), and a lockout of a client id or an address after consecutive failures, doubling with each
further failure; with `redis_url` set, both are shared by every replica (a guesser spreading its
attempts over the replicas meets one count). argon2 costs a core for tens of milliseconds, so at
most one verification per core runs at once; the rest wait their turn.

A lockout of a client id also refuses that client's right secret until it ends: that is the
price of bounding guesses spread over many addresses, and why it starts short.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

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


class Lockouts(Protocol):
    """Consecutive failures per key, and how long the key is locked after them."""

    async def wait(self, key: str) -> float:
        """Seconds the key stays locked (0 when it is not)."""
        ...

    async def fail(self, key: str) -> float:
        """Count a failure; the lockout it starts, in seconds (0 when none)."""
        ...

    async def succeed(self, key: str) -> None: ...

    async def close(self) -> None: ...


def _lockout_seconds(failures: int, *, after: int, first_seconds: float, max_seconds: float) -> float:
    """The lockout after `failures` consecutive failures: none before `after`, then doubling."""
    if failures < after:
        return 0.0
    return min(max_seconds, first_seconds * 2.0 ** min(failures - after, 64))


class MemoryLockouts:
    """This process's own count: for one replica (the embedded default)."""

    def __init__(self, *, after: int, first_seconds: float, max_seconds: float) -> None:
        self.after = after
        self.first_seconds = first_seconds
        self.max_seconds = max_seconds
        self._records: dict[str, _Failures] = {}

    async def wait(self, key: str) -> float:
        record = self._records.get(key)
        return max(0.0, record.locked_until - time.monotonic()) if record else 0.0

    async def fail(self, key: str) -> float:
        now = time.monotonic()
        record = self._records.get(key)
        if record is None:
            if len(self._records) >= _MAX_RECORDS:
                self._forget_lapsed(now)
            record = self._records[key] = _Failures()
        record.count += 1
        seconds = _lockout_seconds(
            record.count, after=self.after, first_seconds=self.first_seconds, max_seconds=self.max_seconds
        )
        if seconds:
            record.locked_until = now + seconds
        return seconds

    async def succeed(self, key: str) -> None:
        self._records.pop(key, None)

    async def close(self) -> None:
        return None

    def _forget_lapsed(self, now: float) -> None:
        keep = {key: record for key, record in self._records.items() if record.locked_until > now}
        self._records = keep if len(keep) < _MAX_RECORDS else {}


# KEYS: the failure count, the lock. ARGV: after, first and longest lockout in ms. Times are the
# keys' own expiries, kept by the Redis server's clock, so replicas with skewed clocks agree. A count
# is forgotten once twice the longest lockout passed without a failure.
_FAIL = """
local count = redis.call('INCR', KEYS[1])
local after = tonumber(ARGV[1])
local longest = tonumber(ARGV[3])
if count < after then
  redis.call('PEXPIRE', KEYS[1], 2 * longest)
  return 0
end
local ms = math.floor(math.min(longest, tonumber(ARGV[2]) * 2 ^ math.min(count - after, 64)))
redis.call('SET', KEYS[2], '1', 'PX', ms)
redis.call('PEXPIRE', KEYS[1], ms + 2 * longest)
return ms
"""


class RedisLockouts:
    """The count shared by every replica. If Redis cannot be reached nothing is locked and the failure
    is logged, as the rate limits do: the rates still bound the guessing of each replica."""

    def __init__(
        self,
        url: str,
        *,
        after: int,
        first_seconds: float,
        max_seconds: float,
        prefix: str = "jichi:lockout:",
    ) -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.after = after
        self.first_ms = math.ceil(first_seconds * 1000)
        self.max_ms = math.ceil(max_seconds * 1000)
        self.prefix = prefix
        self._fail = self.redis.register_script(_FAIL)

    def _keys(self, key: str) -> list[str]:
        return [f"{self.prefix}failures:{key}", f"{self.prefix}locked:{key}"]

    async def wait(self, key: str) -> float:
        try:
            remaining_ms = int(await self.redis.pttl(self._keys(key)[1]))
        except (RedisError, OSError) as exc:
            log.warning("lockout_store_unavailable", error=type(exc).__name__)
            return 0.0
        return max(0, remaining_ms) / 1000

    async def fail(self, key: str) -> float:
        try:
            ms = await self._fail(keys=self._keys(key), args=[self.after, self.first_ms, self.max_ms])
        except (RedisError, OSError) as exc:
            log.warning("lockout_store_unavailable", error=type(exc).__name__)
            return 0.0
        return int(ms) / 1000

    async def succeed(self, key: str) -> None:
        try:
            await self.redis.delete(*self._keys(key))
        except (RedisError, OSError) as exc:
            log.warning("lockout_store_unavailable", error=type(exc).__name__)

    async def close(self) -> None:
        await self.redis.aclose()


def lockouts_for(settings: GatewaySettings) -> Lockouts:
    after, first, longest = (
        settings.token_lockout_after,
        settings.token_lockout_seconds,
        settings.token_lockout_max_seconds,
    )
    if settings.redis_url:
        return RedisLockouts(settings.redis_url, after=after, first_seconds=first, max_seconds=longest)
    return MemoryLockouts(after=after, first_seconds=first, max_seconds=longest)


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str
    retry_after: float


class TokenGuard:
    def __init__(self, settings: GatewaySettings, limiter: RateLimiter, lockouts: Lockouts) -> None:
        self.limiter = limiter
        self.lockouts = lockouts
        self.address_limit = Limit(
            "token-address", settings.token_rate_per_address, settings.token_burst_per_address
        )
        self.client_limit = Limit(
            "token-client", settings.token_rate_per_client, settings.token_burst_per_client
        )
        self._hashing = asyncio.Semaphore(settings.password_hash_concurrency or os.cpu_count() or 1)

    async def refusal(self, client_id: str, address: str) -> Refusal | None:
        """Why this attempt may not be checked now, or None."""
        for by, key in zip(("client", "address"), _keys(client_id, address), strict=True):
            wait = await self.lockouts.wait(key)
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

    async def record(self, client_id: str, address: str, *, succeeded: bool) -> None:
        keys = _keys(client_id, address)
        if succeeded:
            for key in keys:
                await self.lockouts.succeed(key)
            return
        TOKEN_FAILURES.inc()
        for key in keys:
            seconds = await self.lockouts.fail(key)
            if seconds:
                # The client id is no secret, and naming it is what lets an operator act.
                log.warning("token_lockout", key=key, seconds=round(seconds, 1))


def _keys(client_id: str, address: str) -> tuple[str, str]:
    """The keys a token request is counted under: its client id, and the address it came from."""
    return f"client:{client_id}", f"address:{address}"
