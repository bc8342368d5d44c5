"""Following the registry's resident-code changes (住民票コードの変更, Basic Resident Registers Act
art. 30-4): every record this service keys by a resident code moves to the new code.

A changed code resolves to nothing in the registry; records left under it would let the person
vote once under each code, and a roll built from the registry (which names them by the new code
only) would miss their suspension of the vote. So a roll build and a roll sync first follow the
changes, for every election at once, in a transaction of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.elections.absentee import repository as absentee
from services.elections.audit import service as audit
from services.elections.checkins import repository as checkins
from services.elections.codechanges import repository
from services.elections.overseas import repository as overseas
from services.elections.roll import repository as roll
from services.elections.roll.source import ResidentSource
from services.elections.suspensions import repository as suspensions
from shared.db.engine import Database

MAX_PAGES_PER_FOLLOW = 100


async def follow(*, database: Database, source: ResidentSource, actor: str) -> None:
    """Apply the changes recorded since the last follow, and commit; one follow runs at a time."""
    async with database.sessionmaker() as session:
        cursor = start = await repository.take_follow(session)
        changes = left = 0
        for _ in range(MAX_PAGES_PER_FOLLOW):
            page = await source.code_changes(cursor)
            for event in page.items:
                if event.former_resident_code is None:
                    continue
                former, new = event.former_resident_code, event.resident_code
                await roll.move_entries(session, former, new)
                await suspensions.move_suspensions(session, former, new)
                left += await checkins.move_check_ins(session, former, new)
                left += await absentee.move_ballots(session, former, new)
                left += await overseas.move_records(session, former, new)
                changes += 1
            cursor = page.next_cursor
            if not page.has_more:
                break
        await repository.save_position(session, cursor, datetime.now(UTC))
        if changes:
            await audit.record(
                session=session,
                actor=actor,
                action="resident_codes.followed",
                election_id=None,
                subject="registry:resident-code-changes",
                details={
                    "from_cursor": str(start),
                    "to_cursor": str(cursor),
                    "changes": changes,
                    "left_under_former": left,
                },
            )
        await session.commit()
