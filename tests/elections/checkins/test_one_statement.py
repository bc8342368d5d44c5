"""A check-in recorded in one statement (PostgreSQL, no Idempotency-Key) decides exactly as the
session path (facts read, refusals checked, then the writes), and keeps the audit chain whole when
other writers move the heads of its lanes."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.elections.audit import repository as audit_repository
from services.elections.audit.chain import LANES, lane_of
from services.elections.checkins import repository
from services.elections.tables import check_ins
from shared.values import JST
from tests.elections.factories import API, Actors, Setup, build_roll, dates_around, make_election
from tests.elections.fake_registry import FakeRegistry, code, resident
from tests.support.databases import on_postgres

METHODS = ("ordinary", "early", "absentee")
STATIONS = ("none", "assigned", "other", "other-election", "unknown")
VOTERS = ("on-roll", "not-on-roll", "unknown", "suspended", "voted")
PER_ELECTION = len(METHODS) * len(STATIONS) * len(VOTERS)


def test_the_rows_of_the_statement_are_the_columns_it_selects() -> None:
    # The statement's row is read by position: the facts first, then the check-in's columns.
    assert repository.VotingFacts._fields == tuple(repository._VOTING_FACTS.selected_columns.keys())
    assert repository.CheckInRow._fields == tuple(check_ins.c.keys())


def _station(choice: str, setup: Setup, other: Setup) -> int | None:
    return {
        "none": None,
        "assigned": setup.station_ids[0],
        "other": setup.station_ids[1],
        "other-election": other.station_ids[0],
        "unknown": 999_999,
    }[choice]


def _answer(response: httpx.Response) -> tuple[int, str | None, str | None]:
    if response.status_code == 201:
        return 201, None, None
    problem = response.json()
    return response.status_code, problem["type"], problem.get("detail")


async def _suspend(elections: httpx.AsyncClient, actors: Actors, n: int) -> None:
    today = datetime.now(JST).date()
    notice = {
        "resident_code": code(n),
        "basis": "election_offence",
        "from_date": (today - timedelta(days=30)).isoformat(),
        "until_date": None,
        "source_local_government_code": "131016",
        "document_reference": "本籍地通知 第1号",
    }
    response = await elections.post(f"{API}/suspensions", json=notice, headers=actors.admin)
    assert response.status_code == 201, response.text


async def test_one_statement_and_session_paths_answer_alike(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    """Every method × station × kind of voter, on polling day and in the early-voting days: the same
    status and problem whether the check-in carries an Idempotency-Key (session path) or not."""
    polling_today = await make_election(elections, actors, stations=2, dates=dates_around(0))
    polling_later = await make_election(elections, actors, stations=2, dates=dates_around(3))
    # Two voters per case (one per path); numbers by case, each kind of voter made what it must be.
    cases = list(itertools.product(METHODS, STATIONS, VOTERS))
    numbers = {case: (2 * index + 1, 2 * index + 2) for index, case in enumerate(cases)}
    for (_, _, voter), pair in numbers.items():
        for n in pair:
            if voter == "not-on-roll":
                registry.add(resident(n, line="丸の内1丁目1", nationality="US"))
            elif voter != "unknown":
                registry.add(resident(n, line="丸の内1丁目1"))
    for setup in (polling_today, polling_later):
        await build_roll(elections, actors, setup.election_id)
    for (_, _, voter), pair in numbers.items():
        if voter == "suspended":
            for n in pair:
                await _suspend(elections, actors, n)

    answers: list[tuple[Any, ...]] = []
    for setup, other, open_method in (
        (polling_today, polling_later, "ordinary"),
        (polling_later, polling_today, "early"),
    ):
        path = f"{API}/elections/{setup.election_id}/check-ins"
        for (method, station, voter), (keyed, unkeyed) in numbers.items():
            if voter == "voted":
                for n in (keyed, unkeyed):
                    first = {
                        "resident_code": code(n),
                        "method": open_method,
                        "station_id": setup.station_ids[0],
                    }
                    assert (await elections.post(path, json=first, headers=actors.clerk())).status_code == 201
            answer = []
            for n, extra in ((keyed, {"Idempotency-Key": f"{setup.election_id}-{keyed}"}), (unkeyed, {})):
                body = {
                    "resident_code": code(n),
                    "method": method,
                    "station_id": _station(station, setup, other),
                }
                answer.append(
                    _answer(await elections.post(path, json=body, headers={**actors.clerk(), **extra}))
                )
            answers.append((setup.election_id, method, station, voter, *answer))
    differing = [case for case in answers if case[-1] != case[-2]]
    assert differing == []
    outcomes = {case[-1][:2] for case in answers}
    # The grid reaches every answer a check-in can give, so the comparison above means something.
    assert {status for status, _ in outcomes} == {201, 409, 422}
    assert {kind.rsplit(":", 1)[1] for _, kind in outcomes if kind} == {
        "already-voted",
        "voting-closed",
        "not-on-roll",
        "voting-rights-suspended",
        "absentee-station",
        "station-required",
        "unknown-station",
        "wrong-station",
    }


@pytest.mark.postgres_only
async def test_the_audit_chain_stays_whole_when_other_writers_move_the_heads(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, elections_db: str
) -> None:
    """Check-ins recorded in one statement know their lanes' heads; a record another writer appends
    to every lane makes each head they know stale, and each is read again."""
    assert on_postgres()
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(*(resident(n, line="丸の内1丁目1") for n in range(1, 61)))
    await build_roll(elections, actors, setup.election_id)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    verification_path = f"{API}/audit-log/verification"
    set_up = (await elections.get(verification_path, headers=actors.supervisor)).json()["records"]

    async def check_in(n: int) -> None:
        body = {"resident_code": code(n), "method": "ordinary", "station_id": setup.station_ids[0]}
        response = await elections.post(path, json=body, headers=actors.clerk())
        assert response.status_code == 201, response.text

    await asyncio.gather(*(check_in(n) for n in range(1, 31)))
    subjects = {lane_of(f"elsewhere:{n}"): f"elsewhere:{n}" for n in range(400)}
    assert len(subjects) == LANES
    engine = create_async_engine(elections_db)
    async with AsyncSession(engine) as session, session.begin():
        for subject in subjects.values():
            await audit_repository.append(
                session,
                actor="another",
                action="test.appended",
                election_id=None,
                subject=subject,
                details={},
            )
    await engine.dispose()
    await asyncio.gather(*(check_in(n) for n in range(31, 61)))

    verification = (await elections.get(verification_path, headers=actors.supervisor)).json()
    assert verification == {"records": set_up + 60 + LANES, "intact": True, "first_broken_seq": None}
    log = await elections.get(f"{API}/audit-log", params={"page_size": 200}, headers=actors.supervisor)
    recorded = sorted(r["subject"] for r in log.json()["items"] if r["action"] == "check_in.recorded")
    listed = await elections.get(path, params={"page_size": 200}, headers=actors.reader)
    assert recorded == sorted(f"check_in:{item['id']}" for item in listed.json()["items"])
