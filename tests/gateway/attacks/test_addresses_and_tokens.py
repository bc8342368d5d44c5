"""A caller cannot leave its rate-limit bucket by inventing addresses, nor guess secrets without end."""

from __future__ import annotations

import asyncio

import httpx

from tests.gateway.attacks.conftest import Recorded
from tests.gateway.attacks.recording_upstream import RecordingUpstream


async def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_limit(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{recorded.port}") as client:
        statuses = [
            (
                await client.get("/registry/v1/echo", headers={"X-Forwarded-For": f"198.51.100.{n}"})
            ).status_code
            for n in range(120)
        ]
    assert 429 in statuses
    assert {entry.headers["x-forwarded-for"] for entry in recording.received} == {"127.0.0.1"}


async def test_token_guessing_is_throttled_then_locked_out(recorded: Recorded) -> None:
    platform = recorded.platform
    target = await platform.ensure_client("guessed", "registry:read")
    url = f"http://127.0.0.1:{recorded.port}/oauth/token"

    async def attempt(secret: str) -> httpx.Response:
        form = {"grant_type": "client_credentials", "client_id": target["client_id"], "client_secret": secret}
        async with httpx.AsyncClient() as client:
            return await client.post(url, data=form)

    statuses = [(await attempt(f"guess-{n}")).status_code for n in range(8)]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 3
    locked = await attempt(target["client_secret"])
    assert locked.status_code == 429
    assert locked.json()["error"] == "slow_down"
    assert 1 <= int(locked.headers["retry-after"]) <= 2
    await asyncio.sleep(2.2)
    assert (await attempt(target["client_secret"])).status_code == 200
