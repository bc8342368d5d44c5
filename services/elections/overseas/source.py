"""What the overseas roll reads from the registry, through the gateway like the roll build: the resident
(nationality, birth date, status, residence history) and their life events (the move abroad, with the
municipality it left, and any return)."""

from __future__ import annotations

from typing import Protocol

from services.elections.overseas.rules import Emigrant
from services.elections.roll.source import RollResident
from shared.contracts.registry import EventType, LifeEvent, ResidentStatus
from shared.web.purpose import encode_purpose


class EmigrationSource(Protocol):
    async def resident(self, resident_code: str) -> RollResident | None: ...

    async def resident_events(self, resident_code: str) -> list[LifeEvent] | None: ...


def emigrant_of(resident: RollResident, events: list[LifeEvent]) -> Emigrant:
    moves_abroad = [e for e in events if e.type == EventType.MOVE_OUT and e.to_abroad]
    last = moves_abroad[-1] if moves_abroad else None
    returned = None
    period_from = None
    if last is not None:
        back = [
            e for e in events if e.type == EventType.MOVE_IN and e.from_abroad and e.sequence > last.sequence
        ]
        returned = back[0].effective_date if back else None
        periods = [
            p
            for p in resident.residence_history or []
            if p.local_government_code == last.from_local_government_code and p.to_date == last.effective_date
        ]
        period_from = periods[-1].from_date if periods else None
    return Emigrant(
        nationality=resident.nationality,
        birth_date=resident.date_of_birth,
        deceased=resident.status == ResidentStatus.DECEASED,
        sex=resident.sex.value if resident.sex else "not_known",
        moved_abroad_on=last.effective_date if last else None,
        last_municipality=last.from_local_government_code if last else None,
        last_period_from=period_from,
        returned_on=returned,
    )


async def read_emigrant(source: EmigrationSource, resident_code: str) -> Emigrant | None:
    """None when the registry does not show the resident (unknown, or not visible to this service)."""
    resident = await source.resident(resident_code)
    if resident is None:
        return None
    events = await source.resident_events(resident_code)
    return emigrant_of(resident, events or [])


OVERSEAS_PURPOSE = encode_purpose(
    "jichi:purpose:election-roll", "在外選挙人名簿の登録 (公職選挙法第30条の2・第30条の4)"
)
"""The purpose of use (利用事由) the overseas roll sends with its registry reads: the registered code of
the voter roll's preparation, described as the overseas roll's registration."""
