from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from shared.auth.revocations import RevocationSource
from shared.settings import ServiceSettings
from shared.web.app import create_service_app
from tests.conftest import running
from tests.shared.web import sample_app
from tests.support.databases import empty_tables, fresh_database
from tests.support.tokens import TokenFactory, no_revocations


@pytest.fixture(scope="session")
async def sample_db(sqlite_dir: Path) -> str:
    url = await fresh_database("sample", sqlite_dir)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(sample_app.metadata.create_all)
    await engine.dispose()
    return url


def build_sample_app(
    url: str, tokens: TokenFactory, revocations: RevocationSource | None = None, **settings: object
) -> FastAPI:
    return create_service_app(
        name="sample",
        title="sample",
        description="A service made of the shared plumbing only.",
        settings=ServiceSettings(database_url=url, log_json=True, **settings),  # type: ignore[arg-type]
        routers=[sample_app.router],
        idempotency_table=sample_app.idempotency_keys,
        operations=sample_app.OPERATIONS,
        jwks_source=tokens.source(),
        revocation_source=revocations or no_revocations(),
    )


@pytest.fixture
async def sample(sample_db: str, tokens: TokenFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with running(build_sample_app(sample_db, tokens)) as client:
        yield client
    await empty_tables(sample_db, sample_app.metadata)
