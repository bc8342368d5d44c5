"""Group commit of access-log entries: the entries of concurrent requests are appended in
one statement and one commit; each request awaits its own batch's commit.

A lookup that commits its own entry pays a transaction, a lane-row lock and a WAL flush per
request; here those are paid once per batch. Each flusher appends to one lane and remembers
its head, so on PostgreSQL a batch is a single auto-committed statement that advances the
head only if it is still where the flusher left it; if another writer moved it (another
process, or a read logging in its own transaction), the flusher moves to another lane."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from services.registry.accesslog import chain, repository
from services.registry.accesslog.chain import LANES, Entry
from services.registry.accesslog.service import append_in_transaction, unavailable
from shared.db.engine import Database, driver_connection
from shared.web.problems import ServiceUnavailable

MAX_BATCH = 1000
# A batch costs the database a transaction, a head update and a WAL flush whatever its size:
# written as soon as anything waited, single lookups at 50 connections made batches of 8
# entries; waiting up to 2 ms for 64 made them 21-24 and cut the database's CPU per lookup by
# a tenth, the registry's by a twentieth, for 2 ms more latency. Two flushers: while one
# waits on a slow commit the other goes on (p99 of single lookups 35-42 ms against 214-397
# with one), and two bulk verifications' thousand entries are written side by side.
FLUSHERS = 2
LINGER_SECONDS = 0.002
LINGER_UNTIL = 64
_ATTEMPTS = 5
log = structlog.get_logger("jichi.registry.accesslog")
_lanes = random.Random()  # noqa: S311 - spreads processes over lanes; nothing secret


@dataclass(slots=True)
class _Pending:
    """One request's entries, written together in one batch."""

    entries: Sequence[Entry]
    done: asyncio.Future[None]


@dataclass(slots=True)
class _Cursor:
    """The lane a flusher appends to and its head as last written (None: read it first)."""

    lane: int
    head: tuple[int, bytes] | None = None


class _LaneUnavailableError(Exception):
    """The lane's head row is gone or keeps moving: the log cannot be written."""


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
        lanes = _lanes.sample(range(LANES), FLUSHERS)
        self._flushers = [asyncio.create_task(self._flush_forever(lane)) for lane in lanes]

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

    async def _flush_forever(self, lane: int) -> None:
        cursor = _Cursor(lane)
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
                await self._write(cursor, [entry for item in batch for entry in item.entries])
            except Exception as error:  # whatever failed, these entries are not written
                if not isinstance(error, _LaneUnavailableError | ServiceUnavailable):
                    log.warning("access_log_write_failed", lane=cursor.lane, error=type(error).__name__)
                cursor.head = None
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(unavailable())
                continue
            for item in batch:
                if not item.done.done():
                    item.done.set_result(None)

    async def _write(self, cursor: _Cursor, entries: Sequence[Entry]) -> None:
        if not self.is_postgres:
            async with self.database.sessionmaker.begin() as session:
                await append_in_transaction(session, lane=cursor.lane, entries=entries)
            return
        async with driver_connection(self.database.engine) as driver:
            for _attempt in range(_ATTEMPTS):
                if cursor.head is None:
                    cursor.head = await repository.lane_head(driver, cursor.lane)
                    if cursor.head is None:
                        raise _LaneUnavailableError
                sequence, previous = cursor.head
                hashes = chain.chain(previous, entries)
                if await repository.append_batch(
                    driver, lane=cursor.lane, after=cursor.head, entries=entries, hashes=hashes
                ):
                    cursor.head = (sequence + len(entries), hashes[-1])
                    return
                # Someone else writes this lane too (another process, or a read that logs in
                # its own transaction): move to another lane rather than keep colliding.
                cursor.lane, cursor.head = _lanes.randrange(LANES), None
        raise _LaneUnavailableError
