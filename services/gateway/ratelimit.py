"""Rate limits with the generic cell rate algorithm (GCRA), and their IETF `RateLimit` headers.

In-process by default; shared through Redis when configured, so that every gateway replica
enforces one limit per key. GCRA keeps one number per key (its theoretical arrival time) and
answers with the exact wait, which becomes `Retry-After`, and with what is left of the burst,
which becomes the `RateLimit` header (draft-ietf-httpapi-ratelimit-headers).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("jichi.gateway.ratelimit")


@dataclass(frozen=True, slots=True)
class Decision:
    wait: float
    """0 when allowed, else the seconds until the next request would be."""
    remaining: int
    """Requests that may still be sent at once."""
    reset: float
    """Seconds until the whole burst is available again."""

    @property
    def allowed(self) -> bool:
        return self.wait <= 0


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    rate_per_second: float
    burst: int

    def policy_header(self) -> bytes:
        window = max(1, math.ceil(self.burst / self.rate_per_second))
        return f'"{self.name}";q={self.burst};w={window}'.encode()

    def state_header(self, decision: Decision) -> bytes:
        return f'"{self.name}";r={decision.remaining};t={math.ceil(decision.reset)}'.encode()


class RateLimiter(Protocol):
    async def acquire(self, key: str, limit: Limit) -> Decision: ...

    async def close(self) -> None: ...


def _decide(now: float, arrival: float, interval: float, burst: int) -> tuple[Decision, float | None]:
    """GCRA on one key: the decision, and the key's next arrival time when the request is allowed."""
    arrival = max(arrival, now)
    # Written so a burst of 1 allows at `arrival` exactly, with no rounding of interval - interval.
    allowed_at = arrival - (burst - 1) * interval
    if now < allowed_at:
        return Decision(allowed_at - now, 0, arrival - now), None
    following = arrival + interval
    remaining = math.floor((now + burst * interval - following) / interval + 1e-9)
    return Decision(0.0, max(0, remaining), following - now), following


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._arrival: dict[str, float] = {}

    async def acquire(self, key: str, limit: Limit) -> Decision:
        now = time.monotonic()
        decision, following = _decide(
            now, self._arrival.get(key, now), 1.0 / limit.rate_per_second, limit.burst
        )
        if following is not None:
            self._arrival[key] = following
            if len(self._arrival) > 100_000:
                self._arrival = {key: at for key, at in self._arrival.items() if at > now}
        return decision

    async def close(self) -> None:
        return None


# All in microseconds of the Redis server's own clock, so replicas with skewed clocks agree.
# Returns {wait, remaining, reset}, as _decide does.
_GCRA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local arrival = tonumber(redis.call('GET', KEYS[1]) or now)
if arrival < now then arrival = now end
local allowed_at = arrival - (burst - 1) * interval
if now < allowed_at then return {allowed_at - now, 0, arrival - now} end
local following = arrival + interval
redis.call('SET', KEYS[1], following, 'PX', math.ceil(burst * interval / 1000) + 1000)
return {0, math.floor((now + burst * interval - following) / interval), following - now}
"""


class RedisRateLimiter:
    """Shared limits; if Redis cannot be reached the request is let through and the failure logged."""

    def __init__(self, url: str, *, prefix: str = "jichi:ratelimit:") -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self._script = self.redis.register_script(_GCRA)

    async def acquire(self, key: str, limit: Limit) -> Decision:
        interval = math.ceil(1_000_000 / limit.rate_per_second)
        try:
            wait, remaining, reset = await self._script(
                keys=[self.prefix + key], args=[interval, limit.burst]
            )
        except (RedisError, OSError) as exc:
            log.warning("rate_limit_store_unavailable", error=type(exc).__name__)
            return Decision(0.0, limit.burst, 0.0)
        return Decision(int(wait) / 1_000_000, max(0, int(remaining)), int(reset) / 1_000_000)

    async def close(self) -> None:
        await self.redis.aclose()
