"""All SQL of the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit.chain import GENESIS, chained_record, lane_of
from services.elections.rows import page_by
from services.elections.tables import audit_log
from shared.db.reads import CompiledRead, Reader
from shared.web.pagination import PageRequest, query_fingerprint
from shared.web.problems import Conflict

ATTEMPTS = 20

_HEAD_OF_LANE = (
    select(audit_log.c.hash)
    .where(audit_log.c.lane == bindparam("lane"))
    .order_by(audit_log.c.seq.desc())
    .limit(1)
)
_HEAD = CompiledRead(_HEAD_OF_LANE)


async def head_of_lane(reader: Reader, lane: int) -> str:
    """The hash of the last record of the lane (GENESIS for an empty lane)."""
    row = await _HEAD.one_or_none(reader, lane=lane)
    return GENESIS if row is None else str(row.hash)


# A record whose previous_hash another writer took first is not inserted (no error, no savepoint):
# PostgreSQL waits for that writer's transaction and skips ours once it committed.
_APPEND = {
    name: dialect.insert(audit_log).on_conflict_do_nothing().returning(audit_log.c.seq)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def append(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    election_id: int | None,
    subject: str,
    details: dict[str, Any],
) -> str:
    """Append one record after the head of its lane; a concurrent writer that took the head first
    makes the unique (lane, previous_hash) refuse ours, and we go again on the new head."""
    statement = _APPEND[session.get_bind().dialect.name]
    lane = lane_of(subject)
    for _ in range(ATTEMPTS):
        previous = (await session.execute(_HEAD_OF_LANE, {"lane": lane})).scalar() or GENESIS
        at = datetime.now(UTC)
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
        if (await session.execute(statement, record)).first() is not None:
            return str(record["hash"])
    raise Conflict(
        "The audit log is busy; retry the request.", slug="audit-log-busy", headers={"Retry-After": "1"}
    )


async def page_of(
    session: AsyncSession, election_id: int | None, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    statement = select(audit_log)
    if election_id is not None:
        statement = statement.where(audit_log.c.election_id == election_id)
    fingerprint = query_fingerprint("list_audit_records", election_id=election_id)
    return await page_by(session, statement, audit_log.c.seq, page, fingerprint)


async def all_in_order(session: AsyncSession, batch: int = 1000) -> AsyncIterator[Row[Any]]:
    after = 0
    while True:
        rows = (
            await session.execute(
                select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(batch)
            )
        ).all()
        for row in rows:
            yield row
        if len(rows) < batch:
            return
        after = rows[-1].seq
