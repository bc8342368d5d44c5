"""FetchesTogether: the single-key reads of one event-loop turn go to the database as one statement."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from shared.db.batching import FetchesTogether
from shared.db.engine import Database, create_engine
from tests.support.databases import fresh_database, on_postgres

ROWS = {"a": [{"key": "a", "n": 1}, {"key": "a", "n": 2}], "b": [{"key": "b", "n": 3}]}


class RecordingFetch:
    """A database of ROWS that records each statement it is sent."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, list[Any], tuple[Any, ...]]] = []
        self.fail_with: BaseException | None = None

    async def __call__(self, query: str, keys: list[Any], *args: Any) -> list[Any]:
        self.statements.append((query, keys, args))
        await asyncio.sleep(0)
        if self.fail_with is not None:
            raise self.fail_with
        return [row for key in keys for row in ROWS.get(key, [])]


async def test_the_reads_of_one_turn_are_one_statement_and_each_gets_its_own_rows() -> None:
    fetch = RecordingFetch()
    together = FetchesTogether(fetch)

    a, b, missing, a_again = await asyncio.gather(
        together.fetch("Q", "key", "a"),
        together.fetch("Q", "key", "b"),
        together.fetch("Q", "key", "zzz"),
        together.fetch("Q", "key", "a"),
    )

    assert fetch.statements == [("Q", ["a", "b", "zzz"], ())]
    assert [row["n"] for row in a] == [1, 2]
    assert [row["n"] for row in b] == [3]
    assert missing == []
    assert a_again == a


async def test_reads_of_later_turns_and_of_other_arguments_are_statements_of_their_own() -> None:
    fetch = RecordingFetch()
    together = FetchesTogether(fetch)

    await asyncio.gather(together.fetch("Q", "key", "a", True), together.fetch("Q", "key", "b", False))
    await together.fetch("Q", "key", "a", True)

    assert fetch.statements == [("Q", ["a"], (True,)), ("Q", ["b"], (False,)), ("Q", ["a"], (True,))]


async def test_a_full_statement_is_sent_at_once() -> None:
    fetch = RecordingFetch()
    together = FetchesTogether(fetch, max_keys=2)

    await asyncio.gather(*(together.fetch("Q", "key", key) for key in ("a", "b", "c", "d", "e")))

    assert [keys for _query, keys, _args in fetch.statements] == [["a", "b"], ["c", "d"], ["e"]]


async def test_a_failed_statement_fails_every_read_in_it_and_the_next_turn_starts_afresh() -> None:
    fetch = RecordingFetch()
    together = FetchesTogether(fetch)
    fetch.fail_with = ConnectionResetError("gone")

    results = await asyncio.gather(
        together.fetch("Q", "key", "a"), together.fetch("Q", "key", "b"), return_exceptions=True
    )
    assert all(isinstance(result, ConnectionResetError) for result in results)

    fetch.fail_with = None
    assert [row["n"] for row in await together.fetch("Q", "key", "b")] == [3]


async def test_a_cancelled_read_leaves_the_others_their_rows() -> None:
    fetch = RecordingFetch()
    together = FetchesTogether(fetch)

    cancelled = asyncio.ensure_future(together.fetch("Q", "key", "a"))
    kept = asyncio.ensure_future(together.fetch("Q", "key", "b"))
    await asyncio.sleep(0)
    cancelled.cancel()

    assert [row["n"] for row in await kept] == [3]
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await together.close()


async def test_on_postgres_concurrent_reads_share_a_statement(sqlite_dir: Path) -> None:
    if not on_postgres():
        pytest.skip("reads go together on PostgreSQL's driver connections only")
    url = await fresh_database("together", sqlite_dir)
    database = Database(create_engine(url), hot_connections=2)
    query = "SELECT k AS key, pg_backend_pid() AS backend, txid_current() AS tx FROM unnest($1::int[]) AS k"
    try:
        found = await asyncio.gather(*(database.fetch_together(query, "key", number) for number in range(30)))
    finally:
        await database.dispose()
    assert [records[0]["key"] for records in found] == list(range(30))
    assert len({records[0]["tx"] for records in found}) == 1
