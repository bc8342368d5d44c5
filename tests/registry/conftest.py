"""Fixtures of the registry tests: one migrated database per run, a running app per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry import tables
from services.registry.app import create_app
from services.registry.settings import RegistrySettings
from shared.auth.revocations import StaticRevocationSource
from tests.conftest import running
from tests.support.databases import empty_tables, prepare_database
from tests.support.tokens import TokenFactory, no_revocations

PURPOSE = "pension eligibility check 2027"
CHIYODA = "131016"
SAPPORO_CHUO = "011011"


@pytest.fixture(scope="session")
async def registry_db(sqlite_dir: Path) -> str:
    return await prepare_database("registry", sqlite_dir)


async def reset(url: str) -> None:
    """Every row a test wrote goes; the seeded code list, feed head and log head are restored."""
    await empty_tables(url, tables.metadata, keep=frozenset({"local_government_codes"}))
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        codes = tables.local_government_codes
        await connection.execute(delete(codes).where(codes.c.from_date.is_not(None)))
        await connection.execute(update(codes).values(to_date=None))
        await connection.execute(insert(tables.feed_head).values(id=1, last_sequence=0))
        await connection.execute(insert(tables.access_log_head).values(id=1, size=0))
        await connection.execute(insert(tables.access_log_tree).values(id=1, size=0))
    await engine.dispose()


REVOCATIONS_REFRESH_SECONDS = 0.2


@pytest.fixture
def registry_revocations() -> StaticRevocationSource:
    """The revocation document the registry reads, every REVOCATIONS_REFRESH_SECONDS."""
    return no_revocations()


@pytest.fixture
async def registry(
    registry_db: str, tokens: TokenFactory, registry_revocations: StaticRevocationSource
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        RegistrySettings(database_url=registry_db, revocations_refresh_seconds=REVOCATIONS_REFRESH_SECONDS),
        jwks_source=tokens.source(),
        revocation_source=registry_revocations,
    )
    async with running(app) as client:
        yield client
    await reset(registry_db)


Headers = Callable[..., dict[str, str]]


@pytest.fixture
def headers(tokens: TokenFactory) -> Headers:
    """`headers("registry:read", purpose=...)`: a bearer token and the purpose header."""

    def make(
        *scopes: str,
        purpose: str | None = PURPOSE,
        client_id: str = "test-client",
        pseudonym_domain: str | None = None,
        **extra: str,
    ) -> dict[str, str]:
        token = tokens.token(
            *scopes, audience="registry", client_id=client_id, pseudonym_domain=pseudonym_domain
        )
        result = {"Authorization": f"Bearer {token}"}
        if purpose is not None:
            result["X-Purpose"] = quote(purpose)
        result.update(extra)
        return result

    return make


def person(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_type": "birth",
        "effective_date": "1990-04-01",
        "family_name": "山田",
        "given_name": "太郎",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ",
        "date_of_birth": "1990-04-01",
        "sex": "male",
        "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
    }
    body.update(overrides)
    return body


Register = Callable[..., Coroutine[Any, Any, str]]


@pytest.fixture
def register(registry: httpx.AsyncClient, headers: Headers) -> Register:
    async def make(**overrides: Any) -> str:
        response = await registry.post(
            "/registry/v1/residents", json=person(**overrides), headers=headers("registry:write")
        )
        assert response.status_code == 201, response.text
        code: str = response.json()["resident_code"]
        return code

    return make


ALL_READ = (
    "registry:read",
    "registry:address",
    "registry:history",
    "registry:identity",
    "registry:protected",
)
