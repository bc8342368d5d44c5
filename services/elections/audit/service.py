"""Recording administrative actions, and verifying that nothing in the log was changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import repository
from services.elections.audit.chain import GENESIS, record_hash
from shared.contracts.elections import AuditRecord, AuditVerification
from shared.web.pagination import Page, PageRequest


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
