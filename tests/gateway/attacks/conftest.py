"""A real gateway process (as `make run` starts it) in front of real services, for the attack suite.

Two set-ups, each started once for the session:
- `platform`: the whole platform on SQLite, with two reading clients and demo residents;
- `recorded`: a gateway whose every upstream is a recording upstream in this test process.
Both gateways run with short header and body timeouts, so slow callers are seen in a second.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from deploy.local.platform import PROCESSES, SERVICES, LocalPlatform, token_for
from tests.gateway.attacks.recording_upstream import RecordingUpstream
from tests.support.servers import free_port

TIMEOUTS = {
    "GATEWAY_HEADER_READ_TIMEOUT": "1",
    "GATEWAY_BODY_READ_TIMEOUT": "1",
    "GATEWAY_BODY_TOTAL_TIMEOUT": "3",
}
READER_SCOPES = "registry:read registry:address"


@dataclass
class Platform:
    platform: LocalPlatform
    port: int
    token_a: str
    token_b: str
    resident_a: str
    resident_b: str


@dataclass
class Recorded:
    platform: LocalPlatform
    port: int
    upstream: RecordingUpstream
    token: str


def _local(folder: Path, log: TextIO, extra_env: dict[str, str]) -> LocalPlatform:
    """The platform as `make run` starts it, on its own ports, with short timeouts."""
    ports = {name: free_port() for name in PROCESSES}
    return LocalPlatform(var_dir=folder, ports=ports, log=log, extra_env={**TIMEOUTS, **extra_env})


async def _started(platform: LocalPlatform, names: tuple[str, ...], log: Path) -> None:
    await platform.start(names=names)
    if not await platform.wait_ready(seconds=90):
        await platform.stop()
        tail = await asyncio.to_thread(log.read_text)
        pytest.fail("the platform did not become ready:\n" + tail[-4000:])


@pytest.fixture(scope="session")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    folder = tmp_path_factory.mktemp("attack-platform")
    log_path = folder / "platform.log"
    with log_path.open("w") as log:
        platform = _local(
            folder,
            log,
            {
                "GATEWAY_ANONYMOUS_RATE_LIMIT_PER_SECOND": "100000",
                "GATEWAY_ANONYMOUS_RATE_LIMIT_BURST": "100000",
            },
        )
        await platform.migrate()
        await platform.ensure_service_clients()
        reader_a = await platform.ensure_client("reader-a", READER_SCOPES, rate_limit=1_000_000)
        reader_b = await platform.ensure_client("reader-b", READER_SCOPES, rate_limit=1_000_000)
        residents = (await platform.load_demo_residents(count=20)).read_text().splitlines()
        await _started(platform, PROCESSES, log_path)
        try:
            yield Platform(
                platform,
                platform.ports["gateway"],
                await token_for(platform, reader_a),
                await token_for(platform, reader_b),
                json.loads(residents[0])["resident_code"],
                json.loads(residents[1])["resident_code"],
            )
        finally:
            await platform.stop()


@pytest.fixture(scope="session")
async def recorded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Recorded]:
    folder = tmp_path_factory.mktemp("attack-recorded")
    upstream = RecordingUpstream()
    await upstream.start()
    log_path = folder / "gateway.log"
    with log_path.open("w") as log:
        upstreams = {f"GATEWAY_{name.upper()}_URL": upstream.url for name in SERVICES}
        platform = _local(
            folder,
            log,
            {**upstreams, "GATEWAY_MAX_BODY_BYTES": "65536", "GATEWAY_UPSTREAM_BODY_LIMITS": "{}"},
        )
        await platform.migrate(names=("gateway",))
        caller = await platform.ensure_client("caller", READER_SCOPES, rate_limit=1_000_000)
        await _started(platform, ("gateway",), log_path)
        try:
            yield Recorded(platform, platform.ports["gateway"], upstream, await token_for(platform, caller))
        finally:
            await platform.stop()
            await upstream.stop()


@pytest.fixture
def recording(recorded: Recorded) -> RecordingUpstream:
    """The recording upstream, emptied for this test."""
    recorded.upstream.received.clear()
    return recorded.upstream
