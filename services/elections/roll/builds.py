"""Building the roll from the registry's bulk extract, as an asynchronous job.

A roll of a million residents takes minutes, longer than any HTTP request should wait (the gateway
gives up after 30 s), so `POST .../roll/builds` records a build and answers 202 at once; a worker
task in the same process streams the extract, decides every resident with the pure rules and writes
the entries in bulk, in one transaction that also marks the build succeeded. Until then the previous
roll stays as it was. The worker beats a heartbeat; a build whose heartbeat stopped (its process
ended) is reported failed and frees the election for a new build. SQLite has one writer, held by the
build's transaction: there the worker does not beat, and the process's own running builds (`live`)
count as alive, which is enough for the embedded single-process setup.

Memory stays bounded: at most `PREFETCH_PAGES` extract pages wait while one is decided and written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.audit import service as audit
from services.elections.codechanges import service as codechanges
from services.elections.roll import repository
from services.elections.roll.eligibility import add_months, is_periodic_registration_date
from services.elections.roll.service import NO_FACTS, STALE_AFTER, Basis, entry, facts_of, is_stale
from services.elections.roll.source import ResidentSource, RollExtractPage, RollResident
from services.elections.setup import repository as setup_repository
from services.elections.setup.rules import StationIndex
from services.elections.setup.service import require_election
from services.elections.state import ElectionsState
from shared.contracts.elections import Registration, RollBuild, RollBuildIn, RollBuildState
from shared.db.engine import Database
from shared.web.problems import Conflict, NotFound, Problem, UnprocessableContent, problem_document

log = logging.getLogger(__name__)

PREFETCH_PAGES = 2
HEARTBEAT_EVERY = timedelta(seconds=5)
INTERRUPTED = {
    "type": "urn:jichi:problem:roll-build-interrupted",
    "title": "Build interrupted",
    "status": 503,
    "detail": "The process running this build stopped before it ended; the previous roll is unchanged. "
    "Request a new build.",
}


def build_model(row: Row[Any]) -> RollBuild:
    return RollBuild.model_validate(row._mapping)


def location(election_id: int, build_id: int) -> str:
    return f"/elections/v1/elections/{election_id}/roll/builds/{build_id}"


async def request_build(
    *, session: AsyncSession, actor: str, election_id: int, data: RollBuildIn, live: frozenset[int]
) -> RollBuild:
    election = await require_election(session, election_id)
    if not await repository.municipalities_of(session, election_id):
        raise UnprocessableContent(
            "The election has no counting districts, so no municipality's roll to build.",
            slug="no-municipalities",
        )
    if data.registration == Registration.PERIODIC:
        if data.registration_date is None:
            raise UnprocessableContent(
                "A periodic registration needs its registration_date.", slug="registration-date-required"
            )
        if not is_periodic_registration_date(data.registration_date):
            raise UnprocessableContent(
                f"{data.registration_date} is not a periodic registration date (1 March, June, "
                "September or December).",
                slug="not-a-periodic-registration-date",
            )
        if data.registration_date > election.reference_date:
            raise UnprocessableContent(
                f"The periodic registration of {data.registration_date} comes after the election's "
                f"reference date {election.reference_date}; the election-time registration covers it.",
                slug="registration-after-reference-date",
            )
        reference = data.registration_date
    else:
        if data.registration_date is not None:
            raise UnprocessableContent(
                "registration_date is only for a periodic registration; election-time registration "
                "uses the election's reference date.",
                slug="registration-date-not-allowed",
            )
        reference = election.reference_date
    basis = Basis(data.registration, election.polling_day, reference)
    now = datetime.now(UTC)
    running = await repository.active_build(session, election_id)
    if running is not None and not is_stale(running, now, live):
        raise Conflict(
            "A build of this roll is already in progress; poll it, or wait until it ends.",
            slug="roll-build-in-progress",
            build=location(election_id, running.id),
        )
    if running is not None:
        await repository.end_stale_builds(
            session, election_id, beat_before=now - STALE_AFTER, problem=INTERRUPTED, now=now
        )
    try:
        async with session.begin_nested():
            build_id = await repository.add_build(
                session,
                {
                    "election_id": election_id,
                    "active_election_id": election_id,
                    "state": RollBuildState.QUEUED.value,
                    "registration": basis.registration.value,
                    "reference_date": basis.reference_date,
                    "age_date": basis.age_date,
                    "residents_examined": 0,
                    "voters": 0,
                    "requested_by": actor,
                    "requested_at": now,
                    "heartbeat_at": now,
                },
            )
    except IntegrityError:
        raise Conflict(
            "A build of this roll is already in progress; poll it, or wait until it ends.",
            slug="roll-build-in-progress",
        ) from None
    row = await repository.get_build(session, election_id, build_id)
    assert row is not None
    return build_model(row)


async def get_build(
    *, session: AsyncSession, election_id: int, build_id: int, live: frozenset[int]
) -> RollBuild:
    await require_election(session, election_id)
    row = await repository.get_build(session, election_id, build_id)
    if row is None:
        raise NotFound(f"No build {build_id} of election {election_id}'s roll.", slug="roll-build-not-found")
    build = build_model(row)
    if is_stale(row, datetime.now(UTC), live):
        # Reported without writing: the next build request records it.
        return build.model_copy(update={"state": RollBuildState.FAILED, "problem": INTERRUPTED})
    return build


async def _prefetched(
    source: ResidentSource, municipalities: Sequence[str], resided_since: date
) -> AsyncIterator[tuple[str, RollExtractPage]]:
    """The extract of every municipality in turn, the next pages read while this one is decided."""
    queue: asyncio.Queue[tuple[str, RollExtractPage] | BaseException | None] = asyncio.Queue(PREFETCH_PAGES)

    async def produce() -> None:
        try:
            for municipality in municipalities:
                async for page in source.extract(municipality, resided_since=resided_since):
                    await queue.put((municipality, page))
            await queue.put(None)
        except Exception as exc:  # handed to the consumer, which fails the build with it
            await queue.put(exc)

    producer = asyncio.create_task(produce())
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        producer.cancel()
        await asyncio.gather(producer, return_exceptions=True)


def _may_be_listed_twice(
    resident: RollResident, municipality: str, others: set[str], resided_since: date
) -> bool:
    """Whether another extract of this build may list the resident too (they lived in another of the
    election's municipalities near or after `resided_since`); without the history, assume so."""
    if resident.residence_history is None:
        return True
    margin = add_months(resided_since, -1)
    return any(
        p.local_government_code != municipality
        and p.local_government_code in others
        and (p.to_date is None or p.to_date >= margin)
        for p in resident.residence_history
    )


async def _write_shared(session: AsyncSession, election_id: int, rows: list[dict[str, Any]]) -> None:
    """Entries of residents two extracts may list: the decision that puts them on a roll wins, else
    the first one made."""
    await repository.upsert_entries(session, [r for r in rows if r["on_roll"]])
    off_roll = [r for r in rows if not r["on_roll"]]
    if off_roll:
        already = await repository.codes_on_file(session, election_id, [r["resident_code"] for r in off_roll])
        await repository.upsert_entries(session, [r for r in off_roll if r["resident_code"] not in already])


class Heartbeat:
    """The worker's sign of life, recorded in its own short transaction every HEARTBEAT_EVERY, with
    the progress so far (not on SQLite, whose one writer is the build's own transaction)."""

    def __init__(self, database: Database, build_id: int) -> None:
        self.database = database
        self.build_id = build_id
        self.last = datetime.now(UTC)

    async def beat(self, examined: int) -> None:
        moment = datetime.now(UTC)
        if moment - self.last >= HEARTBEAT_EVERY and not self.database.is_sqlite:
            self.last = moment
            await _set_state(self.database, self.build_id, residents_examined=examined, heartbeat_at=moment)


async def _build(
    session: AsyncSession, heartbeat: Heartbeat, source: ResidentSource, build_id: int, election_id: int
) -> dict[str, Any]:
    election = await require_election(session, election_id)
    row = await repository.get_build(session, election_id, build_id)
    assert row is not None
    basis = Basis(Registration(row.registration), election.polling_day, row.reference_date)
    municipalities = await repository.municipalities_of(session, election_id)
    ours = set(municipalities)
    stations = {
        m: StationIndex(await setup_repository.station_areas(session, election_id, m)) for m in municipalities
    }
    # Voters who moved out less than four months before the reference date may stay on this roll.
    resided_since = add_months(basis.reference_date, -4)
    await repository.clear_roll(session, election_id)
    now = datetime.now(UTC)
    cursor: int | None = None
    examined = 0
    async for municipality, page in _prefetched(source, municipalities, resided_since):
        # The feed head before the first page: events after it are replayed by the next sync.
        cursor = page.feed_cursor if cursor is None else min(cursor, page.feed_cursor)
        index = stations[municipality]
        alone: list[dict[str, Any]] = []
        shared: list[dict[str, Any]] = []
        for resident in page.items:
            facts = facts_of(resident)
            decision = NO_FACTS if facts is None else basis.decide(facts, municipality)
            record = entry(election_id, resident, municipality, decision, index, basis.reference_date, now)
            if _may_be_listed_twice(resident, municipality, ours, resided_since):
                shared.append(record)
            else:
                alone.append(record)
        await repository.insert_entries(session, alone)
        if shared:
            await _write_shared(session, election_id, shared)
        examined += len(page.items)
        await heartbeat.beat(examined)
    cursor_text = None if cursor is None else str(cursor)
    await repository.save_built_feed(session, election_id, cursor_text, now)
    voters = await repository.count_entries(session, election_id, on_roll=True)
    return {"municipalities": municipalities, "examined": examined, "voters": voters, "cursor": cursor_text}


async def _set_state(database: Database, build_id: int, **values: Any) -> None:
    async with database.sessionmaker() as session:
        await repository.update_build(session, build_id, **values)
        await session.commit()


def _problem_of(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, Problem):
        return problem_document(
            status=exc.status,
            slug=exc.problem_slug,
            title=exc.problem_title,
            detail=exc.detail,
            instance=None,
            extensions=exc.extensions,
        )
    return {
        "type": "urn:jichi:problem:internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "The build failed unexpectedly; the previous roll is unchanged. The service log "
        "has the cause.",
    }


async def start_worker(state: ElectionsState, database: Database, election_id: int, build_id: int) -> None:
    """Run the build in this process, known to `state` as live until it ends."""
    task = asyncio.create_task(
        run_build(database=database, source=state.resident_source, election_id=election_id, build_id=build_id)
    )
    state.roll_builds[build_id] = task
    task.add_done_callback(lambda _: state.roll_builds.pop(build_id, None))


async def run_build(*, database: Database, source: ResidentSource, election_id: int, build_id: int) -> None:
    """The worker: runs the build to its end and records how it ended (never raises, but cancellation)."""
    started = datetime.now(UTC)
    await _set_state(
        database, build_id, state=RollBuildState.RUNNING.value, started_at=started, heartbeat_at=started
    )
    try:
        # Records under changed codes move first: the registry's extract names residents by their
        # new codes only, and a suspension left under an old one would be missed.
        await codechanges.follow(database=database, source=source, actor=f"roll-build:{build_id}")
        async with database.sessionmaker() as session:
            outcome = await _build(session, Heartbeat(database, build_id), source, build_id, election_id)
            row = await repository.get_build(session, election_id, build_id)
            assert row is not None
            await audit.record(
                session=session,
                actor=row.requested_by,
                action="roll.built",
                election_id=election_id,
                subject=f"election:{election_id}",
                details={"build": build_id, "registration": row.registration, **outcome},
            )
            finished = datetime.now(UTC)
            await repository.update_build(
                session,
                build_id,
                state=RollBuildState.SUCCEEDED.value,
                active_election_id=None,
                residents_examined=outcome["examined"],
                voters=outcome["voters"],
                cursor=outcome["cursor"],
                finished_at=finished,
                heartbeat_at=finished,
            )
            await session.commit()
    except (Exception, asyncio.CancelledError) as exc:
        if not isinstance(exc, Problem):
            log.exception("roll build %s of election %s failed", build_id, election_id)
        finished = datetime.now(UTC)
        problem = INTERRUPTED if isinstance(exc, asyncio.CancelledError) else _problem_of(exc)
        await asyncio.shield(
            _set_state(
                database,
                build_id,
                state=RollBuildState.FAILED.value,
                active_election_id=None,
                problem=problem,
                finished_at=finished,
                heartbeat_at=finished,
            )
        )
        if isinstance(exc, asyncio.CancelledError):
            raise
