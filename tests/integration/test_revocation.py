"""`python -m services.gateway clients rotate|disable` stops a client's tokens at every service
within seconds, with the platform's default refresh intervals."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any

import httpx

from services.gateway.settings import GatewaySettings
from shared.settings import ServiceSettings
from tests.integration.conftest import Platform
from tests.support.databases import SERVICES_DIR

# A revocation reaches the gateway's copy within its refresh and a service's within the service's.
WITHIN_SECONDS = (
    GatewaySettings().revocations_refresh_seconds + ServiceSettings().revocations_refresh_seconds + 2.0
)


async def gateway_cli(platform: Platform, *args: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.gateway",
        "clients",
        *args,
        cwd=SERVICES_DIR.parent,
        env={**os.environ, "GATEWAY_DATABASE_URL": platform.gateway_database_url},
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output
    document: dict[str, Any] = json.loads(output)
    return document


async def token(http: httpx.AsyncClient, platform: Platform, credentials: dict[str, Any]) -> str:
    response = await http.post(
        f"{platform.gateway_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert response.status_code == 200, response.text
    value: str = response.json()["access_token"]
    return value


async def caller_status(http: httpx.AsyncClient, base_url: str, service: str, bearer: str) -> int:
    response = await http.get(
        f"{base_url}/{service}/v1/caller", headers={"Authorization": f"Bearer {bearer}"}
    )
    return response.status_code


async def refused_within(http: httpx.AsyncClient, base_url: str, service: str, bearer: str) -> dict[str, Any]:
    deadline = time.monotonic() + WITHIN_SECONDS
    while True:
        response = await http.get(
            f"{base_url}/{service}/v1/caller", headers={"Authorization": f"Bearer {bearer}"}
        )
        if response.status_code != 200:
            assert response.status_code == 401, response.text
            body: dict[str, Any] = response.json()
            assert body["type"] == "urn:jichi:problem:token-revoked"
            return body
        assert time.monotonic() < deadline, f"still accepted after {WITHIN_SECONDS} s"
        await asyncio.sleep(0.2)


async def test_rotate_then_disable_through_the_cli(http: httpx.AsyncClient, platform: Platform) -> None:
    created = await gateway_cli(
        platform, "create", "--name", "revocation-check", "--scopes", "registry:read elections:read"
    )
    first = await token(http, platform, created)
    assert await caller_status(http, platform.gateway_url, "registry", first) == 200

    rotated = await gateway_cli(platform, "rotate", created["client_id"])
    second = await token(http, platform, rotated)
    body = await refused_within(http, platform.gateway_url, "registry", first)
    assert "rotated" in body["detail"]
    assert await caller_status(http, platform.gateway_url, "registry", second) == 200

    await gateway_cli(platform, "disable", created["client_id"])
    # Straight at the service, as a request that bypasses the gateway would come.
    body = await refused_within(http, platform.service_urls["elections"], "elections", second)
    assert body["detail"] == "The client of this token has been disabled."
