"""The audit log is append-only and tamper-evident: editing any record breaks its lane's chain."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update

from services.elections.audit import service as audit
from services.elections.audit.chain import LANES, lane_of
from services.elections.tables import audit_log
from shared.db.engine import Database, create_engine
from tests.elections.factories import API, Actors, make_election, problem_of


async def test_concurrent_writers_on_one_lane_keep_one_chain(
    elections: httpx.AsyncClient, elections_db: str
) -> None:
    database = Database(create_engine(elections_db))

    async def write(n: int) -> None:
        async for session in database.session():
            await audit.record(
                session=session,
                actor=f"w{n}",
                action="test.write",
                election_id=None,
                subject="same-subject",
                details={"n": n},
            )

    try:
        await asyncio.gather(*(write(n) for n in range(8)))
        async for session in database.session():
            verified = await audit.verify(session=session)
    finally:
        await database.dispose()
    assert verified.records == 8
    assert verified.intact
    assert lane_of("same-subject") == lane_of("same-subject")


async def test_tampering_is_detected(elections: httpx.AsyncClient, actors: Actors, elections_db: str) -> None:
    await make_election(elections, actors, candidates=2)
    before = (await elections.get(f"{API}/audit-log/verification", headers=actors.supervisor)).json()
    assert before["intact"] is True
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    victim = log[2]["seq"]
    database = Database(create_engine(elections_db))
    try:
        async for session in database.session():
            await session.execute(
                update(audit_log).where(audit_log.c.seq == victim).values(actor="someone else")
            )
    finally:
        await database.dispose()
    after = (await elections.get(f"{API}/audit-log/verification", headers=actors.supervisor)).json()
    assert after == {"records": before["records"], "intact": False, "first_broken_seq": victim} or (
        after["intact"] is False and after["first_broken_seq"] == victim
    )


async def test_audit_log_needs_the_supervisor(elections: httpx.AsyncClient, actors: Actors) -> None:
    problem_of(await elections.get(f"{API}/audit-log", headers=actors.reader), 403)
    problem_of(await elections.get(f"{API}/audit-log/verification"), 401)
    problem_of(
        await elections.get(
            f"{API}/audit-log", params={"page_token": "forged.token"}, headers=actors.supervisor
        ),
        400,
    )


async def test_an_election_id_past_its_column_is_refused_as_input(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    for election_id in (2**64, 2**31):
        response = await elections.get(
            f"{API}/audit-log", params={"election_id": election_id}, headers=actors.supervisor
        )
        assert problem_of(response, 422)["errors"][0]["pointer"] == "/election_id"


async def _lanes_in_use(heads: audit.LaneHeads, writers: int) -> tuple[list[int], asyncio.Event, list[Any]]:
    """`writers` appends of records with one subject, each holding its lane until the event is set:
    the lanes they write to, in the order they came to write."""
    release = asyncio.Event()
    writing: list[int] = []

    async def write(record: dict[str, Any]) -> tuple[None, bool]:
        writing.append(record["lane"])
        await release.wait()
        return None, False

    appends = [
        asyncio.create_task(
            heads.append(
                at=datetime.now(UTC),
                actor="clerk",
                action="test.appended",
                election_id=None,
                subject="one-subject",
                details={"n": n},
                write=write,
            )
        )
        for n in range(writers)
    ]
    for _ in range(1000):
        if len(writing) >= min(writers, LANES):
            break
        await asyncio.sleep(0.001)
    return writing, release, appends


async def test_a_writer_waits_for_a_lane_only_when_every_lane_is_busy(
    elections: httpx.AsyncClient, elections_db: str
) -> None:
    """Records go to a free lane, not their subject's: records of one subject are written at once on
    every lane, and one more writer waits until a lane is given back, then takes it."""
    database = Database(create_engine(elections_db))
    heads = audit.LaneHeads(database)
    try:
        writing, release, appends = await _lanes_in_use(heads, LANES + 1)
        await asyncio.sleep(0.01)
        assert sorted(writing) == list(range(LANES))
        release.set()
        await asyncio.gather(*appends)
        assert len(writing) == LANES + 1
        assert writing[-1] == writing[0]  # the lane free the longest goes first
    finally:
        await database.dispose()


async def test_a_writer_cancelled_while_waiting_for_a_lane_loses_none(
    elections: httpx.AsyncClient, elections_db: str
) -> None:
    database = Database(create_engine(elections_db))
    heads = audit.LaneHeads(database)
    try:
        _, release, appends = await _lanes_in_use(heads, LANES + 2)
        waiting = appends[-2]
        waiting.cancel()
        release.set()
        results = await asyncio.gather(*appends, return_exceptions=True)
        assert [type(result) for result in results].count(asyncio.CancelledError) == 1
        again, release, appends = await _lanes_in_use(heads, LANES)
        assert sorted(again) == list(range(LANES))
        release.set()
        await asyncio.gather(*appends)
    finally:
        await database.dispose()
