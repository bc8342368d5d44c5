"""A database restart or outage is never a 500: reads ride over a restart, the rest is 503 with Retry-After.

On a PostgreSQL server of the test's own (the shared one is never stopped).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.engine import Database, create_engine
from tests.conftest import running
from tests.shared.conftest import build_sample_app
from tests.shared.web import sample_app
from tests.shared.web.test_problems import assert_problem
from tests.support.throwaway_postgres import ThrowawayPostgres, throwaway_postgres
from tests.support.tokens import TokenFactory

NOTE = {"municipality": "131016", "body": "after a restart"}


@pytest.fixture(scope="module")
def server() -> Iterator[ThrowawayPostgres]:
    with throwaway_postgres() as made:
        yield made


@pytest.fixture
async def sample(server: ThrowawayPostgres, tokens: TokenFactory) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_async_engine(server.url)
    async with engine.begin() as connection:
        await connection.run_sync(sample_app.metadata.drop_all)
        await connection.run_sync(sample_app.metadata.create_all)
    await engine.dispose()
    async with running(build_sample_app(server.url, tokens)) as client:
        yield client


@pytest.fixture
def write(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers("sample:write", audience="sample")


async def add_note(sample: httpx.AsyncClient, write: dict[str, str]) -> httpx.Response:
    return await sample.post("/sample/v1/notes", json=NOTE, headers=write)


async def restart(server: ThrowawayPostgres) -> None:
    await server.stop()
    await server.start()


async def test_reads_after_a_restart_are_answered_from_fresh_connections(
    sample: httpx.AsyncClient, server: ThrowawayPostgres, tokens: TokenFactory, write: dict[str, str]
) -> None:
    read = tokens.headers("sample:read", audience="sample")
    note_id = (await add_note(sample, write)).json()["id"]
    assert (await sample.get(f"/sample/v1/notes/{note_id}", headers=read)).status_code == 200
    await restart(server)
    assert (await sample.get(f"/sample/v1/notes/{note_id}", headers=read)).status_code == 200
    assert (await sample.get("/sample/v1/notes")).status_code == 200
    assert (await add_note(sample, write)).status_code == 201


async def test_a_write_on_a_stale_connection_is_503_with_retry_after_and_the_next_succeeds(
    sample: httpx.AsyncClient, server: ThrowawayPostgres, write: dict[str, str]
) -> None:
    assert (await add_note(sample, write)).status_code == 201
    await restart(server)
    response = await add_note(sample, write)
    assert_problem(response, 503, "database-unavailable")
    assert int(response.headers["retry-after"]) > 0
    assert (await add_note(sample, write)).status_code == 201


async def test_an_outage_under_load_is_503s_with_retry_after_never_a_500(
    sample: httpx.AsyncClient, server: ThrowawayPostgres, write: dict[str, str]
) -> None:
    assert (await add_note(sample, write)).status_code == 201
    answers: list[httpx.Response] = []
    outage_over = asyncio.Event()

    async def keep_calling(writes: bool) -> None:
        while not outage_over.is_set():
            if writes:
                answers.append(await add_note(sample, write))
            else:
                answers.append(await sample.get("/sample/v1/notes?page_size=5"))
            await asyncio.sleep(0.005)

    callers = [asyncio.create_task(keep_calling(writes=n % 2 == 0)) for n in range(6)]
    await asyncio.sleep(0.2)
    await server.stop()
    await asyncio.sleep(0.5)
    await server.start()
    await asyncio.sleep(0.5)
    outage_over.set()
    await asyncio.gather(*callers)

    statuses = {response.status_code for response in answers}
    assert 503 in statuses
    assert statuses <= {200, 201, 503}, statuses
    assert all(response.headers.get("retry-after") for response in answers if response.status_code == 503)
    assert answers[-1].status_code in (200, 201)


async def test_hot_reads_on_lent_connections_ride_over_a_restart(server: ThrowawayPostgres) -> None:
    database = Database(create_engine(server.url, pool_size=4), hot_connections=2)
    try:
        assert await database.driver_fetch("SELECT $1::int AS n", 1) == [(1,)]
        await restart(server)
        assert [tuple(row) for row in await database.driver_fetch("SELECT $1::int AS n", 2)] == [(2,)]
        assert [tuple(row) for row in await database.driver_fetch("SELECT 3")] == [(3,)]
    finally:
        await database.dispose()


async def test_hot_reads_without_lent_connections_ride_over_a_restart(server: ThrowawayPostgres) -> None:
    database = Database(create_engine(server.url, pool_size=2))
    try:
        await database.driver_fetch("SELECT 1")
        await restart(server)
        assert [tuple(row) for row in await database.driver_fetch("SELECT 2")] == [(2,)]
        async with database.engine.connect() as connection:
            assert (await connection.execute(text("SELECT 4"))).scalar() == 4
    finally:
        await database.dispose()
