"""The audit log is append-only and tamper-evident: editing any record breaks its lane's chain."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import update

from services.elections.audit import service as audit
from services.elections.audit.chain import lane_of
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
