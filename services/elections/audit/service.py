"""Recording administrative actions, and verifying that nothing in the log was changed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import repository
from services.elections.audit.chain import GENESIS, LANES, HeadTaken, chained_record, lane_of, record_hash
from shared.contracts.elections import AuditRecord, AuditVerification
from shared.db.engine import Database
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict

Written = TypeVar("Written")
ATTEMPTS = repository.ATTEMPTS


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
    """The head of each lane as this process last appended or read it, for records written by the very
    statement that makes the change they record, committing by itself (no transaction to hold a
    lane's head open, no round trip to read it).

    One such statement per lane at a time in this process, so a head it knows is not raced from
    within; another writer (another process, a transaction) that moved the head on makes the unique
    (lane, previous_hash) refuse the statement whole, and the head is read again. A head is only
    remembered once the statement that wrote it has returned, committed.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._heads: dict[int, str] = {}
        self._writers = [asyncio.Lock() for _ in range(LANES)]

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
        lane = lane_of(subject)
        async with self._writers[lane]:
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
                    self._heads.pop(lane, None)
                    continue
                except BaseException:
                    # Committed or not, we cannot tell: the head is read again next time.
                    self._heads.pop(lane, None)
                    raise
                self._heads[lane] = digest if appended else previous
                return written
        raise Conflict(
            "The audit log is busy; retry the request.", slug="audit-log-busy", headers={"Retry-After": "1"}
        )


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
