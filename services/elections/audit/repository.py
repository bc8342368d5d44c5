"""All SQL of the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit.chain import GENESIS, lane_of, record_hash
from services.elections.tables import audit_log
from shared.web.problems import Conflict

ATTEMPTS = 20


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
    postgres = session.get_bind().dialect.name == "postgresql"
    lane = lane_of(subject)
    head_of_lane = (
        select(audit_log.c.hash).where(audit_log.c.lane == lane).order_by(audit_log.c.seq.desc()).limit(1)
    )
    for _ in range(ATTEMPTS):
        head = (await session.execute(head_of_lane)).scalar()
        previous = head or GENESIS
        at = datetime.now(UTC)
        digest = record_hash(
            previous_hash=previous,
            lane=lane,
            at=at,
            actor=actor,
            action=action,
            election_id=election_id,
            subject=subject,
            details=details,
        )
        statement = insert(audit_log).values(
            lane=lane,
            at=at,
            actor=actor,
            action=action,
            election_id=election_id,
            subject=subject,
            details=details,
            previous_hash=previous,
            hash=digest,
        )
        try:
            if postgres:
                async with session.begin_nested():
                    await session.execute(statement)
            else:
                await session.execute(statement)
        except IntegrityError:
            continue
        return digest
    raise Conflict(
        "The audit log is busy; retry the request.", slug="audit-log-busy", headers={"Retry-After": "1"}
    )


def listing(election_id: int | None) -> Any:
    statement = select(audit_log)
    if election_id is not None:
        statement = statement.where(audit_log.c.election_id == election_id)
    return statement


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
