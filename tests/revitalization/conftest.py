"""The revitalization service on a migrated test database, with the registry replaced by a fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.revitalization import tables
from services.revitalization.app import create_app
from services.revitalization.settings import RevitalizationSettings
from tests.conftest import running
from tests.revitalization.factories import FakeCodeMaster, FakeRegistry
from tests.support.databases import empty_tables, prepare_database
from tests.support.tokens import TokenFactory, no_revocations

REFERENCE_TABLES = frozenset({"programmes", "programme_years"})


@pytest.fixture(scope="session")
async def revitalization_db(sqlite_dir: Path) -> str:
    return await prepare_database("revitalization", sqlite_dir)


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry()


@pytest.fixture
def codes() -> FakeCodeMaster:
    return FakeCodeMaster()


@pytest.fixture
async def revitalization(
    revitalization_db: str, tokens: TokenFactory, registry: FakeRegistry, codes: FakeCodeMaster
) -> AsyncIterator[httpx.AsyncClient]:
    settings = RevitalizationSettings(database_url=revitalization_db, hometown_max_municipalities=3)
    app = create_app(
        settings,
        jwks_source=tokens.source(),
        revocation_source=no_revocations(),
        residence_source=registry,
        code_source=codes,
    )
    async with running(app) as client:
        yield client
    await empty_tables(revitalization_db, tables.metadata, keep=REFERENCE_TABLES)
