from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.gateway import clients, tables
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.auth.revocations import HttpRevocationSource, RevocationCache
from shared.auth.tokens import StaticJwksSource, TokenVerifier
from shared.db.engine import Database, create_engine
from tests.conftest import running
from tests.gateway.upstream_app import upstream_app
from tests.support.databases import empty_tables, prepare_database
from tests.support.servers import free_port, serving

SERVICE_REFRESH_SECONDS = 0.2


@pytest.fixture(scope="session")
async def gateway_db(sqlite_dir: Path) -> str:
    return await prepare_database("gateway", sqlite_dir)


@pytest.fixture(scope="session")
async def upstream_url() -> AsyncIterator[str]:
    async with serving(upstream_app()) as url:
        yield url


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def gateway_settings(db: str, upstream: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "database_url": db,
        "registry_url": upstream,
        "elections_url": upstream,
        "funds_url": upstream,
        "revitalization_url": upstream,
        "upstream_read_timeout": 0.5,
        "circuit_failure_threshold": 3,
        "circuit_cooldown_seconds": 0.3,
        **overrides,
    }
    return GatewaySettings(**values)


GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def gateway_factory(gateway_db: str, upstream_url: str) -> AsyncIterator[GatewayFactory]:
    @asynccontextmanager
    async def make(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        gateway = create_app(gateway_settings(gateway_db, upstream_url, **overrides))
        async with running(gateway, lifespan_app=gateway.api) as client:
            yield client

    yield make
    await empty_tables(gateway_db, tables.metadata)


@pytest.fixture
async def gateway(gateway_factory: GatewayFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_factory() as client:
        yield client


@pytest.fixture
async def make_client(gateway_db: str) -> AsyncIterator[Callable[..., Any]]:
    database = Database(create_engine(gateway_db))

    async def make(name: str = "pension-agency", scopes: str = "registry:read", **kw: Any) -> Any:
        async with database.sessionmaker() as session:
            issued = await clients.create_client(session, name=name, scopes=set(scopes.split()), **kw)
            await session.commit()
        return issued

    yield make
    await database.dispose()


async def fetch_token(
    gateway: httpx.AsyncClient, client_id: str, secret: str, scope: str | None = None
) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope is not None:
        form["scope"] = scope
    response = await gateway.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@asynccontextmanager
async def service_verifier(gateway: httpx.AsyncClient, audience: str) -> AsyncIterator[TokenVerifier]:
    """Verifies tokens as a service does: with the keys and revocations the gateway publishes,
    re-read every SERVICE_REFRESH_SECONDS."""
    jwks = (await gateway.get("/.well-known/jwks.json")).json()
    revocations = RevocationCache(
        HttpRevocationSource("/.well-known/revocations.json", gateway),
        refresh_seconds=SERVICE_REFRESH_SECONDS,
        max_age_seconds=60.0,
    )
    async with revocations.refreshing():
        yield TokenVerifier(
            StaticJwksSource(jwks), revocations=revocations, issuer="jichi-gateway", audience=audience
        )
