"""Token requests: lockouts double with each failure, end on success, and are bounded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.gateway.token_guard import Lockouts
from tests.gateway.conftest import GatewayFactory


def test_a_key_is_locked_after_consecutive_failures_and_the_lock_doubles() -> None:
    lockouts = Lockouts(after=3, first_seconds=1.0, max_seconds=5.0)
    assert [lockouts.fail("client:a") for _ in range(6)] == [0.0, 0.0, 1.0, 2.0, 4.0, 5.0]
    assert 4.9 < lockouts.wait("client:a") <= 5.0
    assert lockouts.wait("client:b") == 0.0


def test_success_forgets_the_failures() -> None:
    lockouts = Lockouts(after=2, first_seconds=1.0, max_seconds=5.0)
    lockouts.fail("client:a")
    lockouts.succeed("client:a")
    assert lockouts.fail("client:a") == 0.0


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
