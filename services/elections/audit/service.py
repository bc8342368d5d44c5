"""Recording administrative actions, and verifying that nothing in the log was changed."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import orjson
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import repository
from services.elections.audit.chain import GENESIS, LANES, HeadTaken, chained_record, record_hash
from shared.contracts.elections import AuditRecord, AuditVerification
from shared.db.engine import Database
from shared.web.observability import METRICS_REGISTRY
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict

Written = TypeVar("Written")
ATTEMPTS = repository.ATTEMPTS

# Counted only on the slow paths, so that a slow check-in can be told apart from a slow database.
HEADS_TAKEN = Counter(
    "jichi_elections_audit_heads_taken_total",
    "Statements refused whole because another writer had moved their audit lane's head; each runs again.",
    registry=METRICS_REGISTRY,
)
LANE_WAITS = Counter(
    "jichi_elections_audit_lane_waits_total",
    "Writers that found every audit lane of the process busy and waited for one.",
    registry=METRICS_REGISTRY,
)
LANE_WAIT_SECONDS = Counter(
    "jichi_elections_audit_lane_wait_seconds_total",
    "Time writers waited for a free audit lane of the process, summed.",
    registry=METRICS_REGISTRY,
)


async def record(
    *,
    session: AsyncSession,
    actor: str,
    action: str,
    election_id: int | None,
    subject: str,
    details: dict[str, Any],
) -> str:
    return await repository.append(
        session, actor=actor, action=action, election_id=election_id, subject=subject, details=details
    )


class LaneHeads:
    """The audit lanes this process appends to by statements that commit by themselves, each lane
    with its head as this process last appended or read it (no transaction to hold a lane's head
    open, no round trip to read it).

    A record goes to whichever lane is free, the one free the longest first, not to its subject's:
    one statement per lane at a time in this process, so a head it knows is not raced from within,
    and a writer waits only when every lane is busy, in the order writers came (a lane chosen from
    the subject made a writer queue behind others on its lane while lanes stood idle). Another
    writer (another process, a transaction) that moved a head on makes the unique (lane,
    previous_hash) refuse the statement whole, and the head is read again. A head is only
    remembered once the statement that wrote it has returned, committed.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._heads: dict[int, str] = {}
        # In an order of this process's own, so that processes sharing the log do not all start on
        # the same lanes.
        self._idle = deque(random.sample(range(LANES), LANES))
        self._waiters: deque[asyncio.Future[int]] = deque()

    async def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        election_id: int | None,
        subject: str,
        details: dict[str, Any],
        write: Callable[[dict[str, Any]], Awaitable[tuple[Written, bool]]],
    ) -> Written:
        """What `write(record)` gives: it runs the change with the record (its columns, `details` as
        JSON text) in one statement, raises HeadTaken when the record's previous hash was taken,
        and says whether the record was appended (the change may record nothing)."""
        lane = await self._take()
        try:
            for _ in range(ATTEMPTS):
                previous = self._heads.get(lane) or await repository.head_of_lane(self.database, lane)
                record = chained_record(
                    previous_hash=previous,
                    lane=lane,
                    at=at,
                    actor=actor,
                    action=action,
                    election_id=election_id,
                    subject=subject,
                    details=details,
                )
                digest = record["hash"]
                try:
                    written, appended = await write({**record, "details": orjson.dumps(details).decode()})
                except HeadTaken:
                    HEADS_TAKEN.inc()
                    self._heads.pop(lane, None)
                    continue
                except BaseException:
                    # Committed or not, we cannot tell: the head is read again next time.
                    self._heads.pop(lane, None)
                    raise
                self._heads[lane] = digest if appended else previous
                return written
        finally:
            self._give_back(lane)
        raise Conflict(
            "The audit log is busy; retry the request.", slug="audit-log-busy", headers={"Retry-After": "1"}
        )

    async def _take(self) -> int:
        """A free lane; when none is, the next one given back, in the order writers asked."""
        if self._idle and not self._waiters:
            return self._idle.popleft()
        LANE_WAITS.inc()
        started = time.perf_counter()
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._give_back(waiter.result())
            raise
        finally:
            LANE_WAIT_SECONDS.inc(time.perf_counter() - started)

    def _give_back(self, lane: int) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(lane)
                return
        self._idle.append(lane)


async def list_records(
    *, session: AsyncSession, election_id: int | None, page: PageRequest
) -> Page[AuditRecord]:
    rows, token = await repository.page_of(session, election_id, page)
    items = [AuditRecord.model_validate({**row._mapping, "at": row.at}) for row in rows]
    return Page[AuditRecord](items=items, next_page_token=token)


async def verify(*, session: AsyncSession) -> AuditVerification:
    heads: dict[int, str] = {}
    count = 0
    async for row in repository.all_in_order(session):
        count += 1
        previous = heads.get(row.lane, GENESIS)
        expected = record_hash(
            previous_hash=previous,
            lane=row.lane,
            at=row.at,
            actor=row.actor,
            action=row.action,
            election_id=row.election_id,
            subject=row.subject,
            details=row.details,
        )
        if row.previous_hash != previous or row.hash != expected:
            return AuditVerification(records=count, intact=False, first_broken_seq=row.seq)
        heads[row.lane] = row.hash
    return AuditVerification(records=count, intact=True, first_broken_seq=None)
