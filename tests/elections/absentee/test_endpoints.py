"""Absentee ballots through the API: each step recorded; a received ballot is the vote; one that did not
arrive leaves the voter free to vote in person, and is then not accepted; two clerks and a ballot in
flight race for one voter and exactly one vote stands."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.values import JST
from tests.elections.factories import API, Actors, Setup, build_roll, dates_around, make_election, problem_of
from tests.elections.fake_registry import FakeRegistry, code, resident


async def ready(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> Setup:
    """Polling day in three days: absentee and early voting are open today."""
    setup = await make_election(elections, actors, stations=1, dates=dates_around(3))
    registry.add(*(resident(n, line=f"丸の内1丁目{n}") for n in (1, 2, 3)), resident(4, nationality="US"))
    assert (await build_roll(elections, actors, setup.election_id))["voters"] == 3
    return setup


def ballots(setup: Setup) -> str:
    return f"{API}/elections/{setup.election_id}/absentee-ballots"


async def requested(elections: httpx.AsyncClient, actors: Actors, setup: Setup, n: int) -> dict[str, Any]:
    response = await elections.post(ballots(setup), json={"resident_code": code(n)}, headers=actors.clerk())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"{ballots(setup)}/{body['id']}"
    return body


async def step(
    elections: httpx.AsyncClient, actors: Actors, setup: Setup, ballot: int, name: str, **extra: Any
) -> httpx.Response:
    return await elections.post(
        f"{ballots(setup)}/{ballot}/steps", json={"step": name, **extra}, headers=actors.clerk()
    )


async def in_flight(elections: httpx.AsyncClient, actors: Actors, setup: Setup, n: int) -> int:
    """A ballot requested, issued, voted and sent: on its way to the commission."""
    ballot = (await requested(elections, actors, setup, n))["id"]
    for name in ("issued", "voted", "sent"):
        response = await step(elections, actors, setup, ballot, name)
        assert response.status_code == 200, response.text
        assert response.json()["state"] == name
    return int(ballot)


def early(setup: Setup, n: int) -> dict[str, Any]:
    return {"resident_code": code(n), "method": "early", "station_id": setup.station_ids[0]}


async def test_a_received_ballot_is_the_vote_and_check_in_is_refused(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    ballot = await in_flight(elections, actors, setup, 1)
    received = await step(elections, actors, setup, ballot, "received")
    assert received.status_code == 200, received.text
    body = received.json()
    today = datetime.now(JST).date().isoformat()
    assert (body["state"], body["outcome"], body["outcome_reason"]) == ("received", "accepted", None)
    assert body["requested_on"] == body["issued_on"] == body["voted_on"] == body["sent_on"] == today
    check_ins = f"{API}/elections/{setup.election_id}/check-ins"
    vote = (await elections.get(f"{check_ins}/{body['check_in_id']}", headers=actors.reader)).json()
    assert (vote["method"], vote["station_id"], vote["resident_code"]) == ("absentee", None, code(1))
    refused = problem_of(
        await elections.post(check_ins, json=early(setup, 1), headers=actors.clerk("b")), 409, "already-voted"
    )
    assert (refused["check_in_id"], refused["method"]) == (body["check_in_id"], "absentee")
    problem_of(await step(elections, actors, setup, ballot, "received"), 409, "absentee-step-out-of-order")
    got = await elections.get(f"{ballots(setup)}/{ballot}", headers=actors.reader)
    assert got.json() == body
    turnout = (await elections.get(f"{API}/elections/{setup.election_id}/turnout")).json()
    assert turnout["by_method"] == {"ordinary": 0, "early": 0, "absentee": 1}
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    trail = [r["action"] for r in log if r["subject"] == f"absentee_ballot:{ballot}"]
    assert trail == [
        "absentee.requested",
        "absentee.issued",
        "absentee.voted",
        "absentee.sent",
        "absentee.received",
    ]
    received_record = next(r for r in log if r["action"] == "absentee.received")
    assert received_record["details"]["outcome"] == "accepted"


async def test_a_ballot_that_never_arrived_leaves_the_voter_free_and_is_then_not_counted(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    ballot = await in_flight(elections, actors, setup, 2)
    check_ins = f"{API}/elections/{setup.election_id}/check-ins"
    in_person = await elections.post(check_ins, json=early(setup, 2), headers=actors.clerk())
    assert in_person.status_code == 201, in_person.text
    late = await step(elections, actors, setup, ballot, "received")
    assert late.status_code == 200, late.text
    assert (late.json()["outcome"], late.json()["check_in_id"]) == ("not_accepted", None)
    assert f"check-in {in_person.json()['id']}" in late.json()["outcome_reason"]
    listed = (await elections.get(check_ins, params={"resident_code": code(2)}, headers=actors.reader)).json()
    assert [c["method"] for c in listed["items"]] == ["early"]
    turnout = (await elections.get(f"{API}/elections/{setup.election_id}/turnout")).json()
    assert turnout["by_method"] == {"ordinary": 0, "early": 1, "absentee": 0}


async def test_two_clerks_and_a_ballot_in_flight_one_vote_stands(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    ballot = await in_flight(elections, actors, setup, 3)
    check_ins = f"{API}/elections/{setup.election_id}/check-ins"
    responses = await asyncio.gather(
        elections.post(check_ins, json=early(setup, 3), headers=actors.clerk("clerk-a")),
        elections.post(check_ins, json=early(setup, 3), headers=actors.clerk("clerk-b")),
        step(elections, actors, setup, ballot, "received"),
    )
    clerk_a, clerk_b, receipt = responses
    assert receipt.status_code == 200, receipt.text
    standing = (
        await elections.get(check_ins, params={"resident_code": code(3)}, headers=actors.reader)
    ).json()
    assert len(standing["items"]) == 1, standing
    vote = standing["items"][0]
    statuses = sorted([clerk_a.status_code, clerk_b.status_code])
    if receipt.json()["outcome"] == "accepted":
        assert vote["method"] == "absentee"
        assert receipt.json()["check_in_id"] == vote["id"]
        assert statuses == [409, 409]
    else:
        assert vote["method"] == "early"
        assert statuses == [201, 409]
        assert receipt.json()["check_in_id"] is None


async def test_steps_in_order_on_real_days(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    ballot = (await requested(elections, actors, setup, 1))["id"]
    today = datetime.now(JST).date()
    problem_of(await step(elections, actors, setup, ballot, "voted"), 409, "absentee-step-out-of-order")
    problem_of(await step(elections, actors, setup, ballot, "sent"), 409, "absentee-step-out-of-order")
    tomorrow = (today + timedelta(days=1)).isoformat()
    problem_of(
        await step(elections, actors, setup, ballot, "issued", occurred_on=tomorrow),
        422,
        "absentee-step-date",
    )
    yesterday = (today - timedelta(days=1)).isoformat()
    problem_of(
        await step(elections, actors, setup, ballot, "issued", occurred_on=yesterday),
        422,
        "absentee-step-date",
    )
    assert (await step(elections, actors, setup, ballot, "issued")).status_code == 200
    # The announcement was four days ago (polling in three, announced a week before): voting opened three
    # days ago; the day of the announcement itself is not a voting day.
    problem_of(await step(elections, actors, setup, ballot, "fetched"), 422, "validation-failed")
    got = (await elections.get(f"{ballots(setup)}/{ballot}", headers=actors.reader)).json()
    assert (got["state"], got["voted_on"]) == ("issued", None)


async def test_requests_refused_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = ballots(setup)
    problem_of(
        await elections.post(path, json={"resident_code": code(4)}, headers=actors.clerk()),
        422,
        "not-on-roll",
    )
    problem_of(
        await elections.post(path, json={"resident_code": code(99)}, headers=actors.clerk()),
        422,
        "not-on-roll",
    )
    problem_of(await elections.post(path, json={"resident_code": "12345678901"}, headers=actors.clerk()), 422)
    problem_of(await elections.post(path, json={"resident_code": code(1)}), 401)
    problem_of(await elections.post(path, json={"resident_code": code(1)}, headers=actors.reader), 403)
    problem_of(
        await elections.post(
            f"{API}/elections/999999/absentee-ballots",
            json={"resident_code": code(1)},
            headers=actors.clerk(),
        ),
        404,
        "election-not-found",
    )
    problem_of(await elections.get(f"{path}/999999", headers=actors.reader), 404, "absentee-ballot-not-found")
    check_ins = f"{API}/elections/{setup.election_id}/check-ins"
    assert (await elections.post(check_ins, json=early(setup, 2), headers=actors.clerk())).status_code == 201
    problem_of(
        await elections.post(path, json={"resident_code": code(2)}, headers=actors.clerk()),
        409,
        "already-voted",
    )
    headers = {**actors.clerk(), "Idempotency-Key": "absentee-1"}
    first = await elections.post(path, json={"resident_code": code(1)}, headers=headers)
    retry = await elections.post(path, json={"resident_code": code(1)}, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    again = problem_of(
        await elections.post(path, json={"resident_code": code(1)}, headers=actors.clerk()),
        409,
        "absentee-ballot-exists",
    )
    assert again["absentee_ballot_id"] == first.json()["id"]


@pytest.mark.parametrize("polling_in_days", [0, -1])
async def test_no_request_from_polling_day_on(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, polling_in_days: int
) -> None:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(polling_in_days))
    registry.add(resident(1, line="丸の内1丁目1"))
    await build_roll(elections, actors, setup.election_id)
    problem_of(
        await elections.post(ballots(setup), json={"resident_code": code(1)}, headers=actors.clerk()),
        422,
        "voting-closed",
    )


async def test_no_absentee_vote_before_voting_opens(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    """Announced in three days: papers may be requested and issued, but nobody votes yet."""
    setup = await make_election(elections, actors, stations=1, dates=dates_around(10))
    registry.add(resident(1, line="丸の内1丁目1"))
    await build_roll(elections, actors, setup.election_id)
    ballot = (await requested(elections, actors, setup, 1))["id"]
    assert (await step(elections, actors, setup, ballot, "issued")).status_code == 200
    problem_of(await step(elections, actors, setup, ballot, "voted"), 422, "voting-closed")


async def test_a_suspended_voter_gets_no_papers_and_a_ballot_voted_while_suspended_is_not_counted(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    today = datetime.now(JST).date()

    def notice(n: int) -> dict[str, Any]:
        return {
            "resident_code": code(n),
            "basis": "serving_sentence",
            "from_date": today.isoformat(),
            "until_date": None,
            "source_local_government_code": "131016",
            "document_reference": f"通知第{n}号",
        }

    # Resident 1's ballot was voted today, and a notice then says the vote was suspended from today.
    ballot = await in_flight(elections, actors, setup, 1)
    assert (
        await elections.post(f"{API}/suspensions", json=notice(1), headers=actors.admin)
    ).status_code == 201
    received = (await step(elections, actors, setup, ballot, "received")).json()
    assert (received["outcome"], received["check_in_id"]) == ("not_accepted", None)
    assert "suspended" in received["outcome_reason"]
    listed = await elections.get(
        f"{API}/elections/{setup.election_id}/check-ins",
        params={"resident_code": code(1)},
        headers=actors.reader,
    )
    assert listed.json()["items"] == []
    # Resident 2 is suspended before asking: no papers.
    assert (
        await elections.post(f"{API}/suspensions", json=notice(2), headers=actors.admin)
    ).status_code == 201
    problem_of(
        await elections.post(ballots(setup), json={"resident_code": code(2)}, headers=actors.clerk()),
        422,
        "voting-rights-suspended",
    )
