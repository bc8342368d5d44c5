"""Fixtures of the registry tests: one migrated database per run, a running app per test."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import delete, func, insert, select, text, update
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
    url = await prepare_database("registry", sqlite_dir)
    await _remember_code_master(url)
    return url


CODE_TABLES = (
    tables.local_government_codes,
    tables.local_government_code_changes,
    tables.local_government_code_successions,
)
_code_master: dict[str, list[dict[str, Any]]] = {}
"""The code master as the migrations left it (the 2018 list and its history since 1999)."""


async def _remember_code_master(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        for table in CODE_TABLES:
            rows = await connection.execute(select(table))
            _code_master[table.name] = [dict(row._mapping) for row in rows]
    await engine.dispose()


async def _code_master_fingerprint(connection: Any) -> tuple[Any, ...]:
    changes = tables.local_government_code_changes
    return (
        (await connection.execute(select(func.max(changes.c.change_id)))).scalar(),
        (await connection.execute(select(func.count()).select_from(tables.local_government_codes))).scalar(),
        (await connection.execute(select(func.count()).select_from(changes))).scalar(),
    )


def _expected_fingerprint() -> tuple[Any, ...]:
    changes = _code_master["local_government_code_changes"]
    return (
        max((row["change_id"] for row in changes), default=None),
        len(_code_master["local_government_codes"]),
        len(changes),
    )


async def reset(url: str) -> None:
    """Every row a test wrote goes; the code master (with its history), feed head and log head
    are restored."""
    await empty_tables(url, tables.metadata, keep=frozenset(table.name for table in CODE_TABLES))
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        if await _code_master_fingerprint(connection) != _expected_fingerprint():
            for table in reversed(CODE_TABLES):
                await connection.execute(delete(table))
            for table in CODE_TABLES:
                await connection.execute(insert(table), _code_master[table.name])
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('local_government_code_changes', "
                        "'change_id'), (SELECT max(change_id) FROM local_government_code_changes))"
                    )
                )
        await connection.execute(insert(tables.feed_head).values(id=1, last_sequence=0))
        await connection.execute(insert(tables.access_log_head).values(id=1, size=0))
        await connection.execute(insert(tables.access_log_tree).values(id=1, size=0))
    await engine.dispose()


def _list_of_2018() -> list[str]:
    seed = Path(tables.__file__).parent / "data" / "local_government_codes.csv"
    with seed.open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


@pytest.fixture
async def code_list_of_2018(registry_db: str) -> None:
    """The code master as the ministry's list of 2018-10-01 alone, without the history migration
    0008 loads: for tests that record changes of their own (the history comes back after them)."""
    codes = tables.local_government_codes
    engine = create_async_engine(registry_db)
    async with engine.begin() as connection:
        await connection.execute(delete(tables.local_government_code_successions))
        await connection.execute(delete(tables.local_government_code_changes))
        await connection.execute(delete(codes).where(codes.c.code.not_in(_list_of_2018())))
        await connection.execute(update(codes).values(from_date=None, to_date=None))
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
