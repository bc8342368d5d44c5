"""A gateway, a registry and the revitalization service on real loopback ports, each on its own test
database, with clients created in the gateway: for tests of reads between the services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from services.gateway import clients
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings
from services.registry.app import create_app as create_registry
from services.registry.settings import RegistrySettings
from services.revitalization.app import create_app as create_revitalization
from services.revitalization.settings import RevitalizationSettings
from shared.db.engine import Database, create_engine
from tests.support.databases import prepare_database
from tests.support.servers import free_port, serving
from tests.support.tokens import published_by

SERVICE_CLIENT = "revitalization-service"
SERVICE_SCOPES = frozenset({"registry:read", "registry:address", "registry:history"})


@dataclass
class Platform:
    gateway_url: str
    credentials: dict[str, tuple[str, str]]

    async def bearer(self, http: httpx.AsyncClient, client: str, scopes: str) -> dict[str, str]:
        response = await http.post(
            f"{self.gateway_url}/oauth/token",
            data={"grant_type": "client_credentials", "scope": scopes},
            auth=self.credentials[client],
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _clients(url: str, scopes_by_client: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, str]]:
    database = Database(create_engine(url))
    issued: dict[str, tuple[str, str]] = {}
    async with database.sessionmaker() as session:
        for name, scopes in scopes_by_client.items():
            client = await clients.create_client(session, name=name, scopes=set(scopes))
            issued[name] = (client.client_id, client.client_secret)
        await session.commit()
    await database.dispose()
    return issued


@asynccontextmanager
async def revitalization_platform(
    sqlite_dir: Path, name: str, scopes_by_client: Mapping[str, frozenset[str]]
) -> AsyncIterator[Platform]:
    """`name` keeps this platform's databases apart from another test module's."""
    folder = sqlite_dir / name
    folder.mkdir(exist_ok=True)
    urls = {
        service: await prepare_database(service, folder, name=f"{service}_for_{name.replace('-', '_')}")
        for service in ("gateway", "registry", "revitalization")
    }
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    issued = await _clients(urls["gateway"], {SERVICE_CLIENT: SERVICE_SCOPES, **scopes_by_client})
    service_id, service_secret = issued[SERVICE_CLIENT]
    async with AsyncExitStack() as servers:
        registry_url = await servers.enter_async_context(
            serving(
                create_registry(RegistrySettings(database_url=urls["registry"], **published_by(gateway_url)))
            )
        )
        revitalization_url = await servers.enter_async_context(
            serving(
                create_revitalization(
                    RevitalizationSettings.model_validate(
                        {
                            "database_url": urls["revitalization"],
                            **published_by(gateway_url),
                            "gateway_url": gateway_url,
                            "client_id": service_id,
                            "client_secret": service_secret,
                        }
                    )
                )
            )
        )
        settings = GatewaySettings.model_validate(
            {
                "database_url": urls["gateway"],
                "registry_url": registry_url,
                "revitalization_url": revitalization_url,
            }
        )
        await servers.enter_async_context(serving(create_gateway(settings), port=gateway_port))
        yield Platform(gateway_url, issued)
