"""Per-client rate limits with the generic cell rate algorithm (GCRA).

In-process by default; shared through Redis when configured, so that every gateway replica
enforces one limit per client. GCRA keeps one number per client (its theoretical arrival time)
and answers with the exact wait, which becomes `Retry-After`.
"""

from __future__ import annotations

import math
import time
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("jichi.gateway.ratelimit")


class RateLimiter(Protocol):
    async def acquire(self, key: str, rate_per_second: float, burst: int) -> float:
        """0 when allowed, else the seconds to wait before the next request would be."""
        ...

    async def close(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._arrival: dict[str, float] = {}

    async def acquire(self, key: str, rate_per_second: float, burst: int) -> float:
        now = time.monotonic()
        interval = 1.0 / rate_per_second
        arrival = max(self._arrival.get(key, now), now)
        allowed_at = arrival + interval - burst * interval
        if now < allowed_at:
            return allowed_at - now
        self._arrival[key] = arrival + interval
        if len(self._arrival) > 100_000:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        self._arrival = {key: at for key, at in self._arrival.items() if at > now}

    async def close(self) -> None:
        return None


# All in microseconds of the Redis server's own clock, so replicas with skewed clocks agree.
_GCRA = """
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local arrival = tonumber(redis.call('GET', KEYS[1]) or now)
if arrival < now then arrival = now end
local allowed_at = arrival + interval - window
if now < allowed_at then return allowed_at - now end
redis.call('SET', KEYS[1], arrival + interval, 'PX', math.ceil(window / 1000) + 1000)
return 0
"""


class RedisRateLimiter:
    """Shared limits; if Redis cannot be reached the request is let through and the failure logged."""

    def __init__(self, url: str, *, prefix: str = "jichi:ratelimit:") -> None:
        self.redis: Redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self._script = self.redis.register_script(_GCRA)

    async def acquire(self, key: str, rate_per_second: float, burst: int) -> float:
        interval = math.ceil(1_000_000 / rate_per_second)
        try:
            wait = await self._script(keys=[self.prefix + key], args=[interval, interval * burst])
        except (RedisError, OSError) as exc:
            log.warning("rate_limit_store_unavailable", error=type(exc).__name__)
            return 0.0
        return int(wait) / 1_000_000

    async def close(self) -> None:
        await self.redis.aclose()
