"""The gateway, a real registry and the elections service on loopback ports, as `make run` starts them, for
the elections integration tests: the elections service holds its own client credentials at the gateway
(it reads the registry through it), and each role of the test has a client of its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pydantic import SecretStr

from services.elections.app import create_app as create_elections
from services.elections.settings import ElectionsSettings
from services.gateway import clients
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings
from services.registry.app import create_app as create_registry
from services.registry.settings import RegistrySettings
from shared.db.engine import Database, create_engine
from shared.web.purpose import decode_purpose
from tests.support.databases import prepare_database
from tests.support.servers import free_port, serving
from tests.support.tokens import published_by

# Every scope a commission needs to run an election from the registry's data to its export.
COMMISSION = frozenset(
    {
        "registry:read",
        "registry:write",
        "registry:address",
        "registry:disclosure",
        "elections:admin",
        "elections:read",
        "elections:clerk",
        "elections:supervisor",
    }
)


# The roles of an election's story: the commission, two clerks who each enter every tally sheet
# (double entry), and the chief who certifies and corrects.
ROLES = {
    "commission": set(COMMISSION),
    "clerk-a": {"elections:clerk", "elections:read"},
    "clerk-b": {"elections:clerk", "elections:read"},
    "chief": {"elections:supervisor", "elections:read"},
}
PURPOSE = "選挙事務 (統合テスト)"


@dataclass
class ElectionsPlatform:
    gateway_url: str
    credentials: dict[str, tuple[str, str]]  # role → client id and secret
    elections_client_id: str
    elections_purpose: str  # as the registry records it


@asynccontextmanager
async def elections_platform(folder: Path, roles: dict[str, set[str]]) -> AsyncIterator[ElectionsPlatform]:
    """Fresh databases under `folder` (one folder per test module keeps the suites apart)."""
    await asyncio.to_thread(folder.mkdir, exist_ok=True)
    urls = {
        name: await prepare_database(name, folder, name=f"{folder.name}_{name}")
        for name in ("gateway", "registry", "elections")
    }
    elections_settings = ElectionsSettings(database_url=urls["elections"])
    database = Database(create_engine(urls["gateway"]))
    async with database.sessionmaker() as session:
        credentials = {}
        for role, scopes in roles.items():
            issued = await clients.create_client(session, name=role, scopes=set(scopes))
            credentials[role] = (issued.client_id, issued.client_secret)
        service = await clients.create_client(
            session, name="elections", scopes=set(elections_settings.registry_scopes.split())
        )
        await session.commit()
    await database.dispose()
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    async with AsyncExitStack() as stack:
        registry = RegistrySettings(database_url=urls["registry"], **published_by(gateway_url))
        registry_url = await stack.enter_async_context(serving(create_registry(registry)))
        elections = ElectionsSettings(
            database_url=urls["elections"],
            **published_by(gateway_url),
            gateway_url=gateway_url,
            client_id=service.client_id,
            client_secret=SecretStr(service.client_secret),
        )
        elections_url = await stack.enter_async_context(serving(create_elections(elections)))
        settings = GatewaySettings(
            database_url=urls["gateway"], registry_url=registry_url, elections_url=elections_url
        )
        await stack.enter_async_context(serving(create_gateway(settings), port=gateway_port))
        yield ElectionsPlatform(
            gateway_url,
            credentials,
            service.client_id,
            decode_purpose(elections_settings.registry_purpose),
        )


async def signed_in(
    client: httpx.AsyncClient, credentials: tuple[str, str], purpose: str | None = None
) -> dict[str, str]:
    """The headers of a role's session at the gateway: its bearer token, and the purpose it states."""
    token = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials)
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    if purpose is not None:
        headers["X-Purpose"] = quote(purpose)
    return headers


class Desk:
    """One role's session at the gateway: its headers, and helpers that insist on success."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def post(self, path: str, body: Any = None, **headers: str) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers={**self.headers, **headers})
        assert response.status_code in (200, 201, 202), response.text
        result: dict[str, Any] = response.json()
        return result

    async def get(self, path: str, **headers: str) -> Any:
        response = await self.client.get(path, headers={**self.headers, **headers})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
async def running(sqlite_dir: Path, request: pytest.FixtureRequest) -> AsyncIterator[ElectionsPlatform]:
    """The platform of one test module, with a client for each of `ROLES`."""
    folder = sqlite_dir / f"integration-{request.module.__name__.rsplit('.', 1)[-1]}"
    async with elections_platform(folder, ROLES) as platform:
        yield platform


@pytest.fixture
async def desks(running: ElectionsPlatform) -> AsyncIterator[dict[str, Desk]]:
    """Each role's session, on one client whose own headers are the commission's."""
    async with httpx.AsyncClient(base_url=running.gateway_url, timeout=30.0) as client:
        roles = running.credentials.items()
        sessions = {role: Desk(client, await signed_in(client, auth, PURPOSE)) for role, auth in roles}
        client.headers.update(sessions["commission"].headers)
        yield sessions
