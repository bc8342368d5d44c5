"""Per-client rate limits: 429 with Retry-After; shared between replicas through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from services.gateway.ratelimit import Limit, MemoryRateLimiter, RedisRateLimiter
from tests.gateway.conftest import GatewayFactory, fetch_token
from tests.shared.web.test_problems import assert_problem

REDIS_URL = "redis://127.0.0.1:6379/15"


async def test_memory_limiter_allows_burst_then_refuses() -> None:
    limiter = MemoryRateLimiter()
    limit = Limit("client", 1.0, 3)
    decisions = [await limiter.acquire("client:a", limit) for _ in range(4)]
    assert [decision.wait for decision in decisions[:3]] == [0.0, 0.0, 0.0]
    assert [decision.remaining for decision in decisions] == [2, 1, 0, 0]
    assert 0.9 < decisions[3].wait <= 1.0
    assert (await limiter.acquire("client:b", limit)).wait == 0.0


async def test_a_burst_of_one_allows_the_first_request() -> None:
    limiter = MemoryRateLimiter()
    limit = Limit("client", 3.0, 1)
    for key in (f"client:{n}" for n in range(1000)):
        assert (await limiter.acquire(key, limit)).allowed


async def test_rate_limit_headers_follow_the_ietf_draft() -> None:
    limit = Limit("client", 2.0, 10)
    decision = await MemoryRateLimiter().acquire("client:a", limit)
    assert limit.policy_header() == b'"client";q=10;w=5'
    assert limit.state_header(decision) == b'"client";r=9;t=1'


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
        assert refused.headers["ratelimit-policy"] == '"client";q=2;w=2'
        assert refused.headers["ratelimit"] == '"client";r=0;t=2'
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
        decisions = [await limiter.acquire(key, Limit("client", 1.0, 2)) for _ in range(3)]
    finally:
        await limiter.close()
    assert [decision.wait for decision in decisions[:2]] == [0.0, 0.0]
    assert [decision.remaining for decision in decisions] == [1, 0, 0]
    assert 0.9 < decisions[2].wait <= 1.0


async def test_unreachable_redis_fails_open() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0")
    try:
        assert (await limiter.acquire("client:x", Limit("client", 1.0, 1))).allowed
    finally:
        await limiter.close()
