"""Per-client rate limits: 429 with Retry-After; shared between replicas through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from services.gateway.ratelimit import MemoryRateLimiter, RedisRateLimiter
from tests.gateway.conftest import GatewayFactory, fetch_token
from tests.shared.web.test_problems import assert_problem

REDIS_URL = "redis://127.0.0.1:6379/15"


async def test_memory_limiter_allows_burst_then_refuses() -> None:
    limiter = MemoryRateLimiter()
    waits = [await limiter.acquire("client:a", 1.0, 3) for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.9 < waits[3] <= 1.0
    assert await limiter.acquire("client:b", 1.0, 3) == 0.0


async def test_client_over_its_limit_gets_429(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(rate_limit_per_second=1.0)
    async with gateway_factory(rate_limit_burst=2) as gateway:
        token = await fetch_token(gateway, issued.client_id, issued.client_secret)
        headers = {"Authorization": f"Bearer {token}"}
        statuses = [(await gateway.get("/registry/v1/echo", headers=headers)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = await gateway.get("/registry/v1/echo", headers=headers)
        assert_problem(refused, 429, "too-many-requests")
        assert int(refused.headers["retry-after"]) >= 1
        anonymous = await gateway.get("/registry/v1/echo")
        assert anonymous.status_code == 200


async def test_anonymous_callers_are_limited_by_address(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(anonymous_rate_limit_per_second=1.0, anonymous_rate_limit_burst=2) as gateway:
        statuses = [(await gateway.get("/registry/v1/echo")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


async def test_invalid_token_counts_as_anonymous(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(anonymous_rate_limit_per_second=1.0, anonymous_rate_limit_burst=1) as gateway:
        headers = {"Authorization": "Bearer forged"}
        assert (await gateway.get("/registry/v1/echo", headers=headers)).status_code == 200
        assert (await gateway.get("/registry/v1/echo", headers=headers)).status_code == 429


@pytest.mark.redis
async def test_two_gateways_share_one_limit_through_redis(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(name=f"shared-{uuid.uuid4().hex[:6]}", rate_limit_per_second=0.5)
    settings = {"redis_url": REDIS_URL, "rate_limit_burst": 2}
    async with gateway_factory(**settings) as first, gateway_factory(**settings) as second:
        token = await fetch_token(first, issued.client_id, issued.client_secret)
        headers = {"Authorization": f"Bearer {token}"}
        assert (await first.get("/registry/v1/echo", headers=headers)).status_code == 200
        assert (await second.get("/registry/v1/echo", headers=headers)).status_code == 200
        # The burst of 2 is spent across both replicas: each refuses the next request.
        assert (await first.get("/registry/v1/echo", headers=headers)).status_code == 429
        assert (await second.get("/registry/v1/echo", headers=headers)).status_code == 429


@pytest.mark.redis
async def test_redis_limiter_counts_exactly() -> None:
    limiter = RedisRateLimiter(REDIS_URL)
    key = f"test:{uuid.uuid4().hex}"
    try:
        waits = [await limiter.acquire(key, 1.0, 2) for _ in range(3)]
    finally:
        await limiter.close()
    assert waits[:2] == [0.0, 0.0]
    assert 0.9 < waits[2] <= 1.0


async def test_unreachable_redis_fails_open() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert await limiter.acquire("client:x", 1.0, 1) == 0.0
    finally:
        await limiter.close()
