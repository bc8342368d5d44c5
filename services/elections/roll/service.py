"""Building the roll from the registry's bulk extract, and keeping it current from its change feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.codechanges import service as codechanges
from services.elections.roll import repository
from services.elections.roll.eligibility import (
    Decision,
    Reason,
    ReasonCode,
    ResidencePeriod,
    ResidentFacts,
    decide,
)
from services.elections.roll.readlog import RollRead
from services.elections.roll.source import ResidentSource, RollResident
from services.elections.setup import repository as setup_repository
from services.elections.setup.rules import StationIndex
from services.elections.setup.service import require_election
from services.elections.suspensions import service as suspensions
from shared.contracts.elections import Registration, RollDecision, RollSync, Voter
from shared.contracts.registry import ResidentStatus
from shared.db.engine import Database
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound

MAX_FEED_PAGES_PER_SYNC = 100
STALE_AFTER = timedelta(minutes=2)
"""A build whose worker has not beaten its heartbeat for this long is taken to have stopped."""


def is_stale(build: Any, now: datetime, live: frozenset[int]) -> bool:
    """A queued or running build whose worker stopped: not running in this process (`live`) and
    silent for STALE_AFTER (another replica's worker beats the heartbeat)."""
    return (
        build.active_election_id is not None
        and build.id not in live
        and build.heartbeat_at < now - STALE_AFTER
    )


@dataclass(frozen=True, slots=True)
class Basis:
    """What a roll is decided as of: election-time registration (reference date, age on polling day)
    or a periodic registration (its date for both)."""

    registration: Registration
    polling_day: date
    reference_date: date

    @property
    def age_date(self) -> date:
        return self.reference_date if self.registration == Registration.PERIODIC else self.polling_day

    def decide(self, facts: ResidentFacts, municipality: str) -> Decision:
        return decide(
            facts,
            municipality=municipality,
            polling_day=self.polling_day,
            reference_date=self.reference_date,
            periodic=self.registration == Registration.PERIODIC,
        )


NO_FACTS = Decision(
    False,
    (Reason(ReasonCode.NOT_RESIDENT, False, "the registry did not provide date of birth and nationality"),),
)


async def current_basis(session: AsyncSession, election: Any) -> Basis:
    """The basis of the election's last successful build (election-time when there is none)."""
    build = await repository.last_succeeded_build(session, election.id)
    if build is None:
        return Basis(Registration.ELECTION_TIME, election.polling_day, election.reference_date)
    return Basis(Registration(build.registration), election.polling_day, build.reference_date)


def facts_of(resident: RollResident) -> ResidentFacts | None:
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


def _address_in(resident: RollResident, municipality: str, day: date) -> str | None:
    periods = [p for p in resident.residence_history or [] if p.local_government_code == municipality]
    covering = [p for p in periods if p.from_date <= day and (p.to_date is None or day < p.to_date)]
    chosen = covering or sorted(periods, key=lambda p: p.from_date)[-1:]
    if chosen and chosen[0].address_lines:
        return " ".join(chosen[0].address_lines)
    if resident.address is not None and resident.address.local_government_code == municipality:
        return " ".join(resident.address.address_lines)
    return None


def _decide_for_election(
    resident: RollResident, municipalities: list[str], basis: Basis
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
        return candidates[0], NO_FACTS
    decisions = [(m, basis.decide(facts, m)) for m in candidates]
    for municipality, decision in decisions:
        if decision.on_roll:
            return municipality, decision
    return max(
        decisions,
        key=lambda item: max(
            (p.from_date for p in facts.residences if p.local_government_code == item[0]), default=date.min
        ),
    )


def entry(
    election_id: int,
    resident: RollResident,
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


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What a sync read from the change feed: the residents it touched, the events, the new cursor."""

    touched: set[str]
    events: int
    cursor: int


async def _feed_to_follow(session: AsyncSession, election_id: int, live: frozenset[int]) -> Any:
    """The roll's feed position; refused while the roll was never built or a build is running."""
    feed = await repository.get_feed(session, election_id)
    if feed is None or feed.cursor is None:
        raise Conflict("Build the roll before following the change feed.", slug="roll-not-built")
    running = await repository.active_build(session, election_id)
    if running is not None and not is_stale(running, datetime.now(UTC), live):
        raise Conflict(
            "A build of this roll is in progress; it replaces the roll, so follow the feed after it ends.",
            slug="roll-build-in-progress",
        )
    return feed


async def _read_feed(
    session: AsyncSession, source: ResidentSource, election_id: int, cursor: int, ours: set[str]
) -> FeedRead:
    """The residents whose events concern the election's municipalities or who are on file."""
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
    return FeedRead(touched, applied, cursor)


async def _redecided(
    session: AsyncSession,
    source: ResidentSource,
    election_id: int,
    code: str,
    municipalities: list[str],
    basis: Basis,
    stations: dict[str, StationIndex],
    now: datetime,
) -> dict[str, Any] | None:
    """The resident's entry decided anew from the registry's current record; an entry on file for
    someone the registry no longer shows here is taken off the roll; None when there is nothing
    to write."""
    resident = await source.resident(code)
    chosen = None if resident is None else _decide_for_election(resident, municipalities, basis)
    if resident is None or chosen is None:
        existing = await repository.get_entry(session, election_id, code)
        if existing is None:
            return None
        why = (
            "no longer visible in the registry"
            if resident is None
            else "no longer recorded in any municipality of this election"
        )
        return _removed(existing._mapping, why, now)
    municipality, decision = chosen
    return entry(
        election_id, resident, municipality, decision, stations[municipality], basis.reference_date, now
    )


async def sync_roll(
    *,
    session: AsyncSession,
    database: Database,
    source: ResidentSource,
    actor: str,
    election_id: int,
    live: frozenset[int] = frozenset(),
) -> RollSync:
    """Apply the feed since the roll's cursor. Once the sync may run, records under changed resident
    codes move first (in a transaction of their own, committed before the feed is read), so the
    roll's entries are found under the codes the feed names."""
    election = await require_election(session, election_id)
    basis = await current_basis(session, election)
    feed = await _feed_to_follow(session, election_id, live)
    await codechanges.follow(database=database, source=source, actor=actor)
    municipalities = await repository.municipalities_of(session, election_id)
    read = await _read_feed(session, source, election_id, int(feed.cursor), set(municipalities))
    now = datetime.now(UTC)
    stations = {
        m: StationIndex(await setup_repository.station_areas(session, election_id, m)) for m in municipalities
    }
    rows = [
        row
        for code in sorted(read.touched)
        if (row := await _redecided(session, source, election_id, code, municipalities, basis, stations, now))
        is not None
    ]
    await repository.upsert_entries(session, rows)
    if not await repository.advance_feed(
        session, election_id, expected_version=feed.version, cursor=str(read.cursor), now=now
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
            "to_cursor": str(read.cursor),
            "events": read.events,
            "redecided": len(rows),
        },
    )
    return RollSync(
        election_id=election_id,
        events_applied=read.events,
        residents_redecided=len(rows),
        cursor=str(read.cursor),
        synced_at=now,
    )


async def explain(
    *, session: AsyncSession, read: RollRead, election_id: int, resident_code: str
) -> RollDecision:
    election = await require_election(session, election_id)
    row = await repository.get_entry(session, election_id, resident_code)
    if row is None:
        raise NotFound(
            "This resident was never examined for this election's roll: the registry did not list them "
            "in any of its municipalities.",
            slug="resident-not-examined",
        )
    marks = await suspensions.marks_for(session, election, [resident_code])
    await read.record(operation="elections_explain_roll_decision", resident_codes=[resident_code])
    return RollDecision.model_validate(
        {**row._mapping, "decided_at": row.decided_at, "marks": marks.get(resident_code, [])}
    )


async def list_voters(
    *,
    session: AsyncSession,
    read: RollRead,
    page: PageRequest,
    election_id: int,
    station_id: int | None,
    local_government_code: str | None,
) -> Page[Voter]:
    """A page of the roll; every voter on it is logged in the registry's access log first."""
    election = await require_election(session, election_id)
    rows, token = await repository.voters_page(session, election_id, station_id, local_government_code, page)
    codes = [row.resident_code for row in rows]
    marks = await suspensions.marks_for(session, election, codes)
    await read.record(operation="elections_list_voters", resident_codes=codes)
    items = [
        Voter.model_validate({**row._mapping, "marks": marks.get(row.resident_code, [])}) for row in rows
    ]
    return Page[Voter](items=items, next_page_token=token)
