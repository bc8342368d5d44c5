"""Token requests: lockouts double with each failure, end on success, and are bounded."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from services.gateway.token_guard import MemoryLockouts, RedisLockouts
from tests.gateway.conftest import GatewayFactory
from tests.gateway.test_ratelimit import REDIS_URL


async def test_a_key_is_locked_after_consecutive_failures_and_the_lock_doubles() -> None:
    lockouts = MemoryLockouts(after=3, first_seconds=1.0, max_seconds=5.0)
    assert [await lockouts.fail("client:a") for _ in range(6)] == [0.0, 0.0, 1.0, 2.0, 4.0, 5.0]
    assert 4.9 < await lockouts.wait("client:a") <= 5.0
    assert await lockouts.wait("client:b") == 0.0


async def test_success_forgets_the_failures() -> None:
    lockouts = MemoryLockouts(after=2, first_seconds=1.0, max_seconds=5.0)
    await lockouts.fail("client:a")
    await lockouts.succeed("client:a")
    assert await lockouts.fail("client:a") == 0.0


@pytest.mark.redis
async def test_shared_lockouts_count_as_one_process_does() -> None:
    lockouts = RedisLockouts(
        REDIS_URL, after=3, first_seconds=1.0, max_seconds=5.0, prefix=f"test:{uuid.uuid4().hex}:"
    )
    try:
        assert [await lockouts.fail("client:a") for _ in range(6)] == [0.0, 0.0, 1.0, 2.0, 4.0, 5.0]
        assert 4.9 < await lockouts.wait("client:a") <= 5.0
        assert await lockouts.wait("client:b") == 0.0
        await lockouts.succeed("client:a")
        assert (await lockouts.wait("client:a"), await lockouts.fail("client:a")) == (0.0, 0.0)
    finally:
        await lockouts.close()


async def test_unreachable_redis_locks_nothing() -> None:
    lockouts = RedisLockouts("redis://127.0.0.1:1/0", after=1, first_seconds=1.0, max_seconds=5.0)
    try:
        assert (await lockouts.fail("client:a"), await lockouts.wait("client:a")) == (0.0, 0.0)
        await lockouts.succeed("client:a")
    finally:
        await lockouts.close()


async def _token_status(gateway: Any, client_id: str, secret: str, address: str | None = None) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    headers = {"X-Forwarded-For": address} if address else {}
    response = await gateway.post("/oauth/token", data=form, headers=headers)
    status: int = response.status_code
    return status


async def test_an_address_guessing_many_client_ids_is_locked_out(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(name="innocent")
    async with gateway_factory(token_lockout_after=3, token_lockout_seconds=30) as gateway:
        statuses = [await _token_status(gateway, f"unknown-{n}", "guess") for n in range(4)]
        assert statuses == [401, 401, 401, 429]
        # The address is locked: even a right secret from it waits.
        assert await _token_status(gateway, issued.client_id, issued.client_secret) == 429


@pytest.mark.parametrize("per", ["address", "client"])
async def test_token_requests_are_rate_limited(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any], per: str
) -> None:
    issued = await make_client(name=f"busy-{per}")
    async with gateway_factory(**{f"token_burst_per_{per}": 2, f"token_rate_per_{per}": 0.1}) as gateway:
        statuses = [await _token_status(gateway, issued.client_id, issued.client_secret) for _ in range(3)]
    assert statuses == [200, 200, 429]


@pytest.mark.redis
async def test_a_guesser_spreading_over_replicas_meets_one_lockout(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any]
) -> None:
    """Two failures at one replica and one at the other lock the client at both: the right secret
    is refused at the first, which alone saw only two."""
    issued = await make_client(name=f"spread-{uuid.uuid4().hex[:6]}")
    settings = {"redis_url": REDIS_URL, "token_lockout_after": 3, "token_lockout_seconds": 30}
    try:
        async with gateway_factory(**settings) as first, gateway_factory(**settings) as second:
            guesses = [
                await _token_status(first, issued.client_id, "guess-1"),
                await _token_status(first, issued.client_id, "guess-2"),
                await _token_status(second, issued.client_id, "guess-3"),
            ]
            assert guesses == [401, 401, 401]
            assert await _token_status(first, issued.client_id, issued.client_secret) == 429
    finally:
        # The test client's address is every test's: its lockout must not outlive this test.
        redis = Redis.from_url(REDIS_URL)
        try:
            keys = [key async for key in redis.scan_iter("jichi:lockout:*")]
            if keys:
                await redis.delete(*keys)
        finally:
            await redis.aclose()
