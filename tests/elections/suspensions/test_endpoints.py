"""Suspended voting rights: the mark on the roll, the refusal at check-in, turnout, lifting and audit.

Polling day is today. Five voters on the roll, hand-computed:
  1 suspended until the day before polling day  -> marked, may vote today
  2 suspended until polling day (inclusive)     -> marked, refused today
  3 suspended with no end (serving a sentence)  -> marked, refused today
  4 suspended with no end, lifted from today    -> marked (early-voting days), may vote today
  5 no suspension                               -> may vote
Turnout: registered 5, suspended on polling day 2 (2 and 3), electors 3; voters 1, 4, 5 = 100.00%.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.values import JST
from tests.elections.factories import (
    API,
    CHIYODA,
    Actors,
    Setup,
    build_roll,
    dates_around,
    make_election,
    problem_of,
)
from tests.elections.fake_registry import FakeRegistry, code, resident

PATH = f"{API}/suspensions"


def notice(n: int, from_date: date, until: date | None, basis: str = "election_offence") -> dict[str, Any]:
    return {
        "resident_code": code(n),
        "basis": basis,
        "from_date": from_date.isoformat(),
        "until_date": until.isoformat() if until else None,
        "source_local_government_code": CHIYODA,
        "document_reference": f"本籍地通知 第{n}号",
    }


async def record(elections: httpx.AsyncClient, actors: Actors, body: dict[str, Any]) -> dict[str, Any]:
    response = await elections.post(PATH, json=body, headers=actors.admin)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{PATH}/{response.json()['id']}"
    created: dict[str, Any] = response.json()
    return created


async def polling_today(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> Setup:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(*(resident(n, line=f"丸の内1丁目{n}") for n in range(1, 6)))
    assert (await build_roll(elections, actors, setup.election_id))["voters"] == 5
    today = datetime.now(JST).date()
    long_ago = today - timedelta(days=5 * 365)
    await record(elections, actors, notice(1, long_ago, today - timedelta(days=1)))
    await record(elections, actors, notice(2, long_ago, today))
    await record(elections, actors, notice(3, long_ago, None, "serving_sentence"))
    lifted = await record(elections, actors, notice(4, long_ago, None, "serving_sentence"))
    response = await elections.post(
        f"{PATH}/{lifted['id']}/lift",
        json={
            "effective_date": today.isoformat(),
            "reason": "刑の執行終了",
            "document_reference": "通知第99号",
        },
        headers=actors.admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["lifted_on"] == today.isoformat()
    return setup


def check_in(setup: Setup, n: int) -> dict[str, Any]:
    return {"resident_code": code(n), "method": "ordinary", "station_id": setup.station_ids[0]}


async def test_marked_voters_stay_on_the_roll_and_are_refused_only_while_suspended(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await polling_today(elections, actors, registry)
    today = datetime.now(JST).date()
    voters = await elections.get(f"{API}/elections/{setup.election_id}/roll/voters", headers=actors.reader)
    marks = {v["resident_code"]: v["marks"] for v in voters.json()["items"]}
    assert len(marks) == 5  # nobody left the roll
    assert [m["in_effect_on_polling_day"] for m in marks[code(1)]] == [False]
    assert [m["in_effect_on_polling_day"] for m in marks[code(2)]] == [True]
    assert [(m["in_effect_on_polling_day"], m["until_date"]) for m in marks[code(3)]] == [(True, None)]
    assert [(m["in_effect_on_polling_day"], m["until_date"]) for m in marks[code(4)]] == [
        (False, (today - timedelta(days=1)).isoformat())
    ]
    assert marks[code(5)] == []
    assert marks[code(2)][0]["article"] == "公職選挙法第252条"
    assert marks[code(3)][0]["article"] == "公職選挙法第11条第1項第2号"

    path = f"{API}/elections/{setup.election_id}/check-ins"
    for n in (2, 3):
        problem = problem_of(
            await elections.post(path, json=check_in(setup, n), headers=actors.clerk()),
            422,
            "voting-rights-suspended",
        )
        assert problem["article"] in problem["detail"]
        assert f"本籍地通知 第{n}号" in problem["detail"]
    for n in (1, 4, 5):
        response = await elections.post(path, json=check_in(setup, n), headers=actors.clerk())
        assert response.status_code == 201, response.text

    decision = await elections.get(
        f"{API}/elections/{setup.election_id}/roll/residents/{code(2)}", headers=actors.reader
    )
    assert decision.json()["on_roll"] is True
    assert decision.json()["marks"][0]["basis"] == "election_offence"

    turnout = (await elections.get(f"{API}/elections/{setup.election_id}/turnout")).json()
    assert (turnout["registered"], turnout["suspended_on_polling_day"]) == (5, 2)
    assert turnout["by_sex"]["total"] == {"electors": 3, "voters": 3, "turnout_percent": "100.00"}
    hourly = (await elections.get(f"{API}/elections/{setup.election_id}/turnout/hourly")).json()
    assert hourly["hours"][-1]["by_sex"]["total"]["electors"] == 3


async def test_a_basis_that_takes_only_candidacy_marks_nothing(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(resident(1, line="丸の内1丁目1"))
    await build_roll(elections, actors, setup.election_id)
    today = datetime.now(JST).date()
    created = await record(
        elections, actors, notice(1, today - timedelta(days=10), None, "candidacy_bribery")
    )
    assert (created["article"], created["suspends_voting"]) == ("公職選挙法第11条の2", False)
    voters = await elections.get(f"{API}/elections/{setup.election_id}/roll/voters", headers=actors.reader)
    assert voters.json()["items"][0]["marks"] == []
    response = await elections.post(
        f"{API}/elections/{setup.election_id}/check-ins", json=check_in(setup, 1), headers=actors.clerk()
    )
    assert response.status_code == 201, response.text


async def test_a_suspension_recorded_after_the_roll_was_built_refuses_at_once(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(0))
    registry.add(resident(1, line="丸の内1丁目1"))
    await build_roll(elections, actors, setup.election_id)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    today = datetime.now(JST).date()
    await record(elections, actors, notice(1, today, today + timedelta(days=5 * 365)))
    problem_of(
        await elections.post(path, json=check_in(setup, 1), headers=actors.clerk()),
        422,
        "voting-rights-suspended",
    )
    assert (await elections.get(path, headers=actors.reader)).json()["items"] == []


async def test_lifting_is_once_within_the_period_and_audited(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    created = await record(elections, actors, notice(7, date(2024, 4, 1), date(2029, 3, 31)))
    lift = f"{PATH}/{created['id']}/lift"

    def body(day: str) -> dict[str, str]:
        return {"effective_date": day, "reason": "恩赦(復権)", "document_reference": "通知第8号"}

    problem_of(
        await elections.post(lift, json=body("2024-03-31"), headers=actors.admin),
        422,
        "lift-before-suspension",
    )
    problem_of(
        await elections.post(lift, json=body("2029-04-01"), headers=actors.admin),
        422,
        "suspension-already-ended",
    )
    problem_of(await elections.post(lift, json=body("2025-01-01"), headers=actors.clerk()), 403)
    lifted = await elections.post(lift, json=body("2025-01-01"), headers=actors.admin)
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["lifted_on"], lifted.json()["lift_reason"]) == ("2025-01-01", "恩赦(復権)")
    problem_of(
        await elections.post(lift, json=body("2025-02-01"), headers=actors.admin),
        409,
        "suspension-already-lifted",
    )
    problem_of(
        await elections.post(f"{PATH}/999999/lift", json=body("2025-01-01"), headers=actors.admin),
        404,
        "suspension-not-found",
    )
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    actions = [(r["action"], r["subject"]) for r in log if r["subject"] == f"suspension:{created['id']}"]
    assert actions == [
        ("suspension.recorded", f"suspension:{created['id']}"),
        ("suspension.lifted", f"suspension:{created['id']}"),
    ]
    recorded = next(r for r in log if r["action"] == "suspension.recorded")
    assert recorded["details"]["article"] == "公職選挙法第252条"
    assert recorded["details"]["document_reference"] == "本籍地通知 第7号"
    verification = (await elections.get(f"{API}/audit-log/verification", headers=actors.supervisor)).json()
    assert verification["intact"] is True


async def test_reads_need_a_purpose_and_are_logged(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    created = await record(elections, actors, notice(8, date(2024, 4, 1), None, "serving_sentence"))
    one = f"{PATH}/{created['id']}"
    problem_of(await elections.get(one, headers=actors.as_("elections:read")), 400, "purpose-required")
    got = await elections.get(one, headers=actors.reader)
    assert got.status_code == 200, got.text
    assert got.json()["until_date"] is None
    listed = await elections.get(PATH, params={"resident_code": code(8)}, headers=actors.reader)
    assert [s["id"] for s in listed.json()["items"]] == [created["id"]]
    assert [(op, c) for _, _, op, c in registry.reads_logged()] == [
        ("elections_get_suspension", code(8)),
        ("elections_list_suspensions", code(8)),
    ]
    problem_of(await elections.get(f"{PATH}/999999", headers=actors.reader), 404, "suspension-not-found")
    registry.outage = lambda request: request.url.path.endswith("/access-log/entries")
    problem_of(await elections.get(one, headers=actors.reader), 503, "access-log-unavailable")


@pytest.mark.parametrize(
    "change",
    [
        {"until_date": "2020-01-01"},  # before from_date
        {"basis": "parking_offence"},  # unknown enum value
        {"resident_code": "12345678901"},  # bad check digit
        {"source_local_government_code": "131017"},
        {"document_reference": ""},
        {"extra": 1},
    ],
)
async def test_bad_notices_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, change: dict[str, Any]
) -> None:
    body = {**notice(9, date(2024, 4, 1), None), **change}
    problem_of(await elections.post(PATH, json=body, headers=actors.admin), 422, "validation-failed")
    assert (await elections.get(PATH, headers=actors.reader)).json()["items"] == []


async def test_recording_needs_the_admin_scope_and_retries_replay(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    body = notice(10, date(2024, 4, 1), None)
    problem_of(await elections.post(PATH, json=body), 401)
    problem_of(await elections.post(PATH, json=body, headers=actors.clerk()), 403)
    headers = {**actors.admin, "Idempotency-Key": "notice-10"}
    first = await elections.post(PATH, json=body, headers=headers)
    retry = await elections.post(PATH, json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    other = await elections.post(PATH, json={**body, "basis": "serving_sentence"}, headers=headers)
    assert other.status_code == 422, other.text
    assert len((await elections.get(PATH, headers=actors.reader)).json()["items"]) == 1
