"""Group commit of access-log entries: the entries of concurrent requests are appended in
one statement and one commit; each request awaits its own batch's commit.

A lookup that commits its own entry pays a transaction, a lock on the log's head and a WAL
flush per request; here those are paid once per batch. On PostgreSQL a batch is a single
auto-committed statement that advances the head (the next leaf index) and inserts the rows, so
the head is locked only while that statement commits."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from services.registry.accesslog import entries as leaves
from services.registry.accesslog import repository
from services.registry.accesslog.entries import Entry
from services.registry.accesslog.service import append_in_transaction, unavailable
from shared.db.engine import Database, driver_connection
from shared.web.problems import ServiceUnavailable

MAX_BATCH = 1000
# A batch costs the database a transaction, a head update and a WAL flush whatever its size:
# written as soon as anything waited, concurrent single lookups made small batches; lingering
# briefly for more makes them larger and cheaper per entry, for a little latency. Two flushers:
# while one waits on a slow commit the other prepares its batch, which keeps the tail latency
# of single lookups low.
FLUSHERS = 2
LINGER_SECONDS = 0.002
LINGER_UNTIL = 64
log = structlog.get_logger("jichi.registry.accesslog")


@dataclass(slots=True)
class _Pending:
    """One request's entries, written together in one batch."""

    entries: Sequence[Entry]
    done: asyncio.Future[None]


class _HeadMissingError(Exception):
    """The log's head row is gone: the log cannot be written."""


class AccessLogWriter:
    """Appends entries durably; `append` returns once the entry is committed, or raises 503."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.is_postgres = database.engine.dialect.name == "postgresql"
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._flushers: list[asyncio.Task[None]] = []
        self._closing = False

    def start(self) -> None:
        self._flushers = [asyncio.create_task(self._flush_forever()) for _ in range(FLUSHERS)]

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        await asyncio.gather(*self._flushers, return_exceptions=True)

    async def append(self, entry: Entry) -> None:
        await self.append_all([entry])

    async def append_all(self, entries: Sequence[Entry]) -> None:
        """All of `entries` committed in one batch, or 503."""
        if not entries:
            return
        if self._closing or not self._flushers:
            raise unavailable()
        pending = _Pending(entries, asyncio.get_running_loop().create_future())
        self._pending.append(pending)
        self._wake.set()
        await pending.done

    def _next_batch(self) -> list[_Pending]:
        """Requests in arrival order, as many as fit in MAX_BATCH entries (at least one)."""
        taken = 0
        size = 0
        for item in self._pending:
            if taken and size + len(item.entries) > MAX_BATCH:
                break
            taken += 1
            size += len(item.entries)
        batch, self._pending = self._pending[:taken], self._pending[taken:]
        return batch

    async def _flush_forever(self) -> None:
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if not self._closing and sum(len(item.entries) for item in self._pending) < LINGER_UNTIL:
                await asyncio.sleep(LINGER_SECONDS)
                if not self._pending:  # the other flusher took them
                    continue
            batch = self._next_batch()
            try:
                await self._write([entry for item in batch for entry in item.entries])
            except Exception as error:  # whatever failed, these entries are not written
                if not isinstance(error, _HeadMissingError | ServiceUnavailable):
                    log.warning("access_log_write_failed", error=type(error).__name__)
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(unavailable())
                continue
            for item in batch:
                if not item.done.done():
                    item.done.set_result(None)

    async def _write(self, entries: Sequence[Entry]) -> None:
        if not self.is_postgres:
            async with self.database.sessionmaker.begin() as session:
                await append_in_transaction(session, entries=entries)
            return
        hashes = leaves.leaf_hashes(entries)
        async with driver_connection(self.database.engine) as driver:
            if not await repository.append_batch(driver, entries=entries, hashes=hashes):
                raise _HeadMissingError
