from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from services.elections import tables
from services.elections.app import create_app
from services.elections.settings import ElectionsSettings
from tests.conftest import running
from tests.elections.factories import Actors
from tests.elections.fake_registry import GATEWAY, FakeRegistry
from tests.support.databases import empty_tables, prepare_database
from tests.support.tokens import TokenFactory, no_revocations


@pytest.fixture(scope="session")
async def elections_db(sqlite_dir: Path) -> str:
    return await prepare_database("elections", sqlite_dir)


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry()


@pytest.fixture
def actors(tokens: TokenFactory) -> Actors:
    return Actors(tokens)


@pytest.fixture
async def elections(
    elections_db: str, tokens: TokenFactory, registry: FakeRegistry
) -> AsyncIterator[httpx.AsyncClient]:
    settings = ElectionsSettings(
        database_url=elections_db,
        gateway_url=GATEWAY,
        client_id="elections-service",
        client_secret=SecretStr("s3cret"),
    )
    async with registry.client() as gateway_http:
        app = create_app(
            settings,
            jwks_source=tokens.source(),
            revocation_source=no_revocations(),
            gateway_http=gateway_http,
        )
        async with running(app) as client:
            yield client
    await empty_tables(elections_db, tables.metadata)
