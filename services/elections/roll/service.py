"""Building the roll from the registry's bulk extract, and keeping it current from its change feed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.elections import repository as setup_repository
from services.elections.elections.rules import StationIndex
from services.elections.elections.service import require_election
from services.elections.roll import repository
from services.elections.roll.eligibility import (
    Decision,
    Reason,
    ReasonCode,
    ResidencePeriod,
    ResidentFacts,
    add_months,
    decide,
)
from services.elections.roll.source import ResidentSource
from shared.contracts.elections import RollBuild, RollDecision, RollSync
from shared.contracts.registry import Resident, ResidentStatus
from shared.web.problems import Conflict, NotFound, UnprocessableContent

MAX_FEED_PAGES_PER_SYNC = 100


def facts_of(resident: Resident) -> ResidentFacts | None:
    if resident.date_of_birth is None or resident.nationality is None:
        return None
    periods = [
        ResidencePeriod(p.local_government_code, p.from_date, p.to_date)
        for p in resident.residence_history or []
    ]
    if not periods and resident.address is not None and resident.address_since_date is not None:
        ended = resident.status_since_date if resident.status == ResidentStatus.MOVED_OUT else None
        periods = [
            ResidencePeriod(resident.address.local_government_code, resident.address_since_date, ended)
        ]
    death = resident.status_since_date or date.min if resident.status == ResidentStatus.DECEASED else None
    return ResidentFacts(resident.date_of_birth, resident.nationality, periods, death)


def _address_in(resident: Resident, municipality: str, day: date) -> str | None:
    periods = [p for p in resident.residence_history or [] if p.local_government_code == municipality]
    covering = [p for p in periods if p.from_date <= day and (p.to_date is None or day < p.to_date)]
    chosen = covering or sorted(periods, key=lambda p: p.from_date)[-1:]
    if chosen and chosen[0].address_lines:
        return " ".join(chosen[0].address_lines)
    if resident.address is not None and resident.address.local_government_code == municipality:
        return " ".join(resident.address.address_lines)
    return None


def _decide_for_election(
    resident: Resident, municipalities: list[str], *, polling_day: date, reference_date: date
) -> tuple[str, Decision] | None:
    """The municipality whose roll the resident belongs to (at most one can list them), or the one
    they last lived in, with its decision; None when the resident never lived in any of them."""
    facts = facts_of(resident)
    known = {p.local_government_code for p in (facts.residences if facts else [])}
    if resident.address is not None:
        known.add(resident.address.local_government_code)
    candidates = [m for m in municipalities if m in known]
    if not candidates:
        return None
    if facts is None:
        missing = Reason(
            ReasonCode.NOT_RESIDENT, False, "the registry did not provide date of birth and nationality"
        )
        return candidates[0], Decision(False, (missing,))
    decisions = [
        (m, decide(facts, municipality=m, polling_day=polling_day, reference_date=reference_date))
        for m in candidates
    ]
    for municipality, decision in decisions:
        if decision.on_roll:
            return municipality, decision
    return max(
        decisions,
        key=lambda item: max(
            (p.from_date for p in facts.residences if p.local_government_code == item[0]), default=date.min
        ),
    )


def _entry(
    election_id: int,
    resident: Resident,
    municipality: str,
    decision: Decision,
    stations: StationIndex,
    reference_date: date,
    now: datetime,
) -> dict[str, Any]:
    address = _address_in(resident, municipality, reference_date)
    return {
        "election_id": election_id,
        "resident_code": resident.resident_code,
        "local_government_code": municipality,
        "on_roll": decision.on_roll,
        "reasons": [
            {"code": r.code.value, "satisfied": r.satisfied, "detail": r.detail} for r in decision.reasons
        ],
        "sex": (resident.sex.value if resident.sex else "not_known"),
        "birth_date": resident.date_of_birth or date.min,
        "address": address[:500] if address else None,
        "station_id": stations.station_for(address) if decision.on_roll else None,
        "decided_at": now,
    }


def _removed(existing: Any, why: str, now: datetime) -> dict[str, Any]:
    gone = Reason(ReasonCode.NOT_RESIDENT, False, why)
    return {
        **existing,
        "on_roll": False,
        "station_id": None,
        "decided_at": now,
        "reasons": [{"code": gone.code.value, "satisfied": False, "detail": gone.detail}],
    }


async def build_roll(
    *, session: AsyncSession, source: ResidentSource, actor: str, election_id: int
) -> RollBuild:
    election = await require_election(session, election_id)
    municipalities = await repository.municipalities_of(session, election_id)
    if not municipalities:
        raise UnprocessableContent(
            "The election has no counting districts, so no municipality's roll to build.",
            slug="no-municipalities",
        )
    now = datetime.now(UTC)
    cursor: int | None = None
    examined = 0
    for municipality in municipalities:
        stations = StationIndex(await setup_repository.station_areas(session, election_id, municipality))
        await repository.clear_municipality(session, election_id, municipality)
        # Voters who moved out less than four months before the reference date may stay on this roll.
        async for page in source.extract(municipality, resided_since=add_months(election.reference_date, -4)):
            # The feed head before the first page: events after it are replayed by the next sync.
            cursor = page.feed_cursor if cursor is None else min(cursor, page.feed_cursor)
            rows = []
            for resident in page.items:
                facts = facts_of(resident)
                if facts is None:
                    decision = Decision(
                        False,
                        (
                            Reason(
                                ReasonCode.NOT_RESIDENT,
                                False,
                                "the registry did not provide date of birth and nationality",
                            ),
                        ),
                    )
                else:
                    decision = decide(
                        facts,
                        municipality=municipality,
                        polling_day=election.polling_day,
                        reference_date=election.reference_date,
                    )
                rows.append(
                    _entry(
                        election_id, resident, municipality, decision, stations, election.reference_date, now
                    )
                )
            # A resident listed by two municipalities keeps the decision that puts them on a roll.
            await repository.upsert_entries(session, [r for r in rows if r["on_roll"]])
            off_roll = [r for r in rows if not r["on_roll"]]
            if off_roll:
                already = await repository.codes_on_file(
                    session, election_id, [r["resident_code"] for r in off_roll]
                )
                await repository.upsert_entries(
                    session, [r for r in off_roll if r["resident_code"] not in already]
                )
            examined += len(rows)
    cursor_text = None if cursor is None else str(cursor)
    await repository.save_built_feed(session, election_id, cursor_text, now)
    voters = await repository.count_entries(session, election_id, on_roll=True)
    await audit.record(
        session=session,
        actor=actor,
        action="roll.built",
        election_id=election_id,
        subject=f"election:{election_id}",
        details={
            "municipalities": municipalities,
            "examined": examined,
            "voters": voters,
            "cursor": cursor_text,
        },
    )
    return RollBuild(
        election_id=election_id, residents_examined=examined, voters=voters, cursor=cursor_text, built_at=now
    )


async def sync_roll(
    *, session: AsyncSession, source: ResidentSource, actor: str, election_id: int
) -> RollSync:
    election = await require_election(session, election_id)
    feed = await repository.get_feed(session, election_id)
    if feed is None or feed.cursor is None:
        raise Conflict("Build the roll before following the change feed.", slug="roll-not-built")
    municipalities = await repository.municipalities_of(session, election_id)
    ours = set(municipalities)
    cursor = int(feed.cursor)
    applied = 0
    touched: set[str] = set()
    for _ in range(MAX_FEED_PAGES_PER_SYNC):
        page = await source.events(cursor)
        codes = {event.resident_code for event in page.items}
        on_file = await repository.codes_on_file(session, election_id, codes) if codes else set()
        for event in page.items:
            places = {event.from_local_government_code, event.to_local_government_code}
            if event.resident is not None and event.resident.address is not None:
                places.add(event.resident.address.local_government_code)
            if places & ours or event.resident_code in on_file:
                touched.add(event.resident_code)
        applied += len(page.items)
        cursor = page.next_cursor
        if not page.has_more:
            break
    now = datetime.now(UTC)
    stations = {
        m: StationIndex(await setup_repository.station_areas(session, election_id, m)) for m in municipalities
    }
    rows = []
    for code in sorted(touched):
        resident = await source.resident(code)
        if resident is None:
            existing = await repository.get_entry(session, election_id, code)
            if existing is not None:
                rows.append(_removed(existing._mapping, "no longer visible in the registry", now))
            continue
        chosen = _decide_for_election(
            resident, municipalities, polling_day=election.polling_day, reference_date=election.reference_date
        )
        if chosen is None:
            existing = await repository.get_entry(session, election_id, code)
            if existing is not None:
                rows.append(
                    _removed(
                        existing._mapping, "no longer recorded in any municipality of this election", now
                    )
                )
            continue
        municipality, decision = chosen
        rows.append(
            _entry(
                election_id,
                resident,
                municipality,
                decision,
                stations[municipality],
                election.reference_date,
                now,
            )
        )
    await repository.upsert_entries(session, rows)
    if not await repository.advance_feed(
        session, election_id, expected_version=feed.version, cursor=str(cursor), now=now
    ):
        raise Conflict(
            "Another sync of this roll ran at the same time; nothing was changed.", slug="roll-sync-conflict"
        )
    await audit.record(
        session=session,
        actor=actor,
        action="roll.synced",
        election_id=election_id,
        subject=f"election:{election_id}",
        details={
            "from_cursor": feed.cursor,
            "to_cursor": str(cursor),
            "events": applied,
            "redecided": len(rows),
        },
    )
    return RollSync(
        election_id=election_id,
        events_applied=applied,
        residents_redecided=len(rows),
        cursor=str(cursor),
        synced_at=now,
    )


async def explain(*, session: AsyncSession, election_id: int, resident_code: str) -> RollDecision:
    await require_election(session, election_id)
    row = await repository.get_entry(session, election_id, resident_code)
    if row is None:
        raise NotFound(
            "This resident was never examined for this election's roll: the registry did not list them "
            "in any of its municipalities.",
            slug="resident-not-examined",
        )
    return RollDecision.model_validate({**row._mapping, "decided_at": row.decided_at})
