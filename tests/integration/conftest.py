from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.gateway import clients
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings
from shared.db.engine import Database, create_engine
from tests.support.databases import prepare_database
from tests.support.servers import free_port, serving
from tests.support.tokens import published_by

SERVICES = ("registry", "elections", "funds", "revitalization")


@dataclass
class Platform:
    gateway_url: str
    service_urls: dict[str, str]
    client_id: str
    client_secret: str
    gateway_database_url: str


def _service_app(name: str, database_url: str, gateway_url: str, /, **settings: Any) -> Any:
    """The service's app trusting the gateway's tokens; `settings` adds to its settings."""
    app_module = importlib.import_module(f"services.{name}.app")
    settings_module = importlib.import_module(f"services.{name}.settings")
    settings_class = getattr(settings_module, f"{name.capitalize()}Settings")
    return app_module.create_app(
        settings_class(database_url=database_url, **published_by(gateway_url), **settings)
    )


@pytest.fixture(scope="module")
async def platform(sqlite_dir: Path) -> AsyncIterator[Platform]:
    """The gateway and the four services on real loopback ports, as `make run` starts them."""
    folder = sqlite_dir / "integration"
    folder.mkdir(exist_ok=True)
    databases = {name: await prepare_database(name, folder) for name in ("gateway", *SERVICES)}
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    async with AsyncExitStack() as stack:
        service_urls = {
            name: await stack.enter_async_context(serving(_service_app(name, databases[name], gateway_url)))
            for name in SERVICES
        }
        settings = GatewaySettings.model_validate(
            {
                "database_url": databases["gateway"],
                **{f"{name}_url": url for name, url in service_urls.items()},
            }
        )
        await stack.enter_async_context(serving(create_gateway(settings), port=gateway_port))
        database = Database(create_engine(databases["gateway"]))
        async with database.sessionmaker() as session:
            issued = await clients.create_client(
                session,
                name="integration",
                scopes={"registry:read", "elections:read", "funds:review", "revitalization:review"},
            )
            await session.commit()
        await database.dispose()
        yield Platform(
            gateway_url, service_urls, issued.client_id, issued.client_secret, databases["gateway"]
        )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client
