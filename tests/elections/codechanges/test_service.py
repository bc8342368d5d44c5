"""住民票コードの変更 followed: a person whose resident code changed keeps one vote, and their
suspension of the vote, under the new code."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.elections.absentee.repository import move_ballots
from services.elections.checkins.repository import move_check_ins
from services.elections.tables import absentee_ballots, check_ins
from shared.values import JST
from tests.elections.factories import API, Actors, Setup, build_roll, dates_around, make_election, problem_of
from tests.elections.fake_registry import FakeRegistry, code, resident

NEW_CODE = code(901)


def check_in(setup: Setup, resident_code: str) -> dict[str, Any]:
    return {"resident_code": resident_code, "method": "ordinary", "station_id": setup.station_ids[0]}


async def polling_today(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> Setup:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(resident(1, line="丸の内1丁目1"), resident(2, line="丸の内1丁目2"))
    assert (await build_roll(elections, actors, setup.election_id))["voters"] == 2
    return setup


async def followed(elections: httpx.AsyncClient, actors: Actors) -> list[dict[str, Any]]:
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    return [record["details"] for record in log if record["action"] == "resident_codes.followed"]


async def test_a_voter_whose_code_changed_after_voting_cannot_vote_again(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await polling_today(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    voted = await elections.post(path, json=check_in(setup, code(1)), headers=actors.clerk("a"))
    assert voted.status_code == 201, voted.text
    registry.change_code(code(1), NEW_CODE, effective=datetime.now(JST).date())

    synced = await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin)
    assert synced.status_code == 200, synced.text
    again = await elections.post(path, json=check_in(setup, NEW_CODE), headers=actors.clerk("b"))
    assert problem_of(again, 409, "already-voted")["check_in_id"] == voted.json()["id"]
    decision = await elections.get(
        f"{API}/elections/{setup.election_id}/roll/residents/{NEW_CODE}", headers=actors.reader
    )
    assert decision.json()["on_roll"] is True
    voters = await elections.get(f"{API}/elections/{setup.election_id}/roll/voters", headers=actors.reader)
    assert sorted(v["resident_code"] for v in voters.json()["items"]) == sorted([code(2), NEW_CODE])
    assert await followed(elections, actors) == [
        {"from_cursor": "0", "to_cursor": "1", "changes": 1, "left_under_former": 0}
    ]
    # Nothing new to follow: no record, and the next sync starts where this one stopped.
    assert (
        await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin)
    ).status_code == 200
    assert len(await followed(elections, actors)) == 1


async def test_a_suspension_follows_the_person_into_a_roll_built_after_the_change(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(resident(1, line="丸の内1丁目1"), resident(2, line="丸の内1丁目2"))
    long_ago = datetime.now(JST).date() - timedelta(days=5 * 365)
    suspended = await elections.post(
        f"{API}/suspensions",
        json={
            "resident_code": code(2),
            "basis": "serving_sentence",
            "from_date": long_ago.isoformat(),
            "until_date": None,
            "source_local_government_code": "131016",
            "document_reference": "本籍地通知 第2号",
        },
        headers=actors.admin,
    )
    assert suspended.status_code == 201, suspended.text
    # The registry changes the code before any roll is built: no sync ever saw the old one on file.
    registry.change_code(code(2), NEW_CODE, effective=long_ago)
    assert (await build_roll(elections, actors, setup.election_id))["voters"] == 2

    refused = await elections.post(
        f"{API}/elections/{setup.election_id}/check-ins",
        json=check_in(setup, NEW_CODE),
        headers=actors.clerk(),
    )
    problem_of(refused, 422, "voting-rights-suspended")
    listed = await elections.get(f"{API}/suspensions/{suspended.json()['id']}", headers=actors.reader)
    assert listed.json()["resident_code"] == NEW_CODE


async def test_records_the_new_code_has_already_stay_under_the_former(
    elections: httpx.AsyncClient, actors: Actors, elections_db: str
) -> None:
    """Dealt with under each code before the change was known: the database keeps one standing
    check-in and one ballot per person and election, so the former code's stay where they are and
    the follow counts them for the audit record; an undone check-in moves."""
    setup = await make_election(elections, actors, stations=1)
    former, now, today = code(1), datetime.now(UTC), date.today()

    def checked_in(resident_code: str, *, standing: bool) -> dict[str, Any]:
        return {
            "election_id": setup.election_id,
            "resident_code": resident_code,
            "active_resident_code": resident_code if standing else None,
            "method": "ordinary",
            "station_id": setup.station_ids[0],
            "checked_in_at": now,
            "clerk_id": "a",
            "undone_at": None if standing else now,
        }

    def ballot(resident_code: str) -> dict[str, Any]:
        return {
            "election_id": setup.election_id,
            "resident_code": resident_code,
            "state": "requested",
            "requested_on": today,
            "updated_at": now,
        }

    engine = create_async_engine(elections_db)
    try:
        async with AsyncSession(engine) as session:
            await session.execute(
                insert(check_ins),
                [
                    checked_in(former, standing=False),
                    checked_in(former, standing=True),
                    checked_in(NEW_CODE, standing=True),
                ],
            )
            await session.execute(insert(absentee_ballots), [ballot(former), ballot(NEW_CODE)])
            assert await move_check_ins(session, former, NEW_CODE) == 1
            assert await move_ballots(session, former, NEW_CODE) == 1
            rows = (
                await session.execute(
                    select(check_ins.c.resident_code, check_ins.c.active_resident_code).order_by(
                        check_ins.c.id
                    )
                )
            ).all()
            ballots = (await session.execute(select(absentee_ballots.c.resident_code))).scalars().all()
            await session.commit()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(NEW_CODE, None), (former, former), (NEW_CODE, NEW_CODE)]
    assert sorted(ballots) == sorted([former, NEW_CODE])
