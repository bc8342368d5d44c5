"""Corrections after certification over HTTP: an objection, a recount it orders, the result
re-issued as version 2 with what changed and why, version 1 still readable, exports carrying the
version; and the refusals around it."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx

from tests.elections.factories import API, Actors, Setup, make_election, post, problem_of
from tests.elections.nist import assert_valid_nist


async def enter(client: httpx.AsyncClient, actors: Actors, setup: Setup, votes: list[int]) -> None:
    body = {
        "station_id": setup.station_ids[0],
        "votes": [
            {"candidate_id": c, "votes": str(v)} for c, v in zip(setup.candidate_ids, votes, strict=True)
        ],
        "ballots_issued": sum(votes) + 3,
        "invalid_ballots": 2,
        "blank_ballots": 1,
        "unreturned_ballots": 1,
    }
    for clerk in ("a", "b"):
        sheet = await post(client, f"/contests/{setup.contest_id}/tally-entries", body, actors.clerk(clerk))
    assert sheet["status"] == "counted", sheet


async def certified_council(client: httpx.AsyncClient, actors: Actors) -> Setup:
    """A municipal assembly of 2 seats, 3 candidates: 500, 300, 299 votes (V/S/4 = 137.375)."""
    setup = await make_election(client, actors, kind="municipal_assembly", seats=2, stations=1, candidates=3)
    await enter(client, actors, setup, [500, 300, 299])
    await post(client, f"/contests/{setup.contest_id}/certification", {}, actors.supervisor)
    return setup


OBJECTION = {
    "kind": "objection",
    "filed_on": "2026-07-10",
    "grounds": "第1投票所の票の一部が誤って分類された",
}
DECISION = {"outcome": "recount_ordered", "decided_on": "2026-07-20", "reasons": "再点検により確認する"}


async def test_a_recount_reissues_the_result_as_version_2(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await certified_council(elections, actors)
    cid = setup.contest_id
    first = (await elections.get(f"{API}/contests/{cid}/results")).json()
    assert first["version"] == 1
    assert first["status"] == "certified"
    loser, runner_up = setup.candidate_ids[2], setup.candidate_ids[1]
    assert {c["candidate_id"] for c in first["candidates"] if c["elected"]} == set(setup.candidate_ids[:2])

    # Tallies are frozen until a recount is ordered.
    blocked = await elections.post(
        f"{API}/contests/{cid}/tally-entries",
        json={"station_id": setup.station_ids[0]},
        headers=actors.clerk("a"),
    )
    assert blocked.status_code in (409, 422)
    objection = await post(elections, f"/contests/{cid}/objections", OBJECTION, actors.supervisor)
    assert objection["state"] == "filed"
    assert "206" in objection["legal_basis"]
    assert objection["legal_basis_verified"] is False
    decided = await post(
        elections, f"/contests/{cid}/objections/{objection['id']}/decision", DECISION, actors.supervisor
    )
    assert decided["state"] == "recount_ordered"

    # The recount moves two votes: 300 → 298, 299 → 301; the seat changes hands.
    await enter(elections, actors, setup, [500, 298, 301])
    still = (await elections.get(f"{API}/contests/{cid}/results")).json()
    assert still["version"] == 1  # nothing changes until the new version is issued
    body = {"objection_id": objection["id"], "reason": "異議申出に基づく再点検の結果"}
    headers = {**actors.supervisor, "Idempotency-Key": "reissue-1"}
    response = await elections.post(f"{API}/contests/{cid}/results/versions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["version"] == 2
    assert second["objection_id"] == objection["id"]
    changes = {c["item"]: (c["before"], c["after"]) for c in second["changes"]}
    assert changes[f"candidate:{runner_up}.votes"] == ("300.000", "298.000")
    assert changes[f"candidate:{loser}.votes"] == ("299.000", "301.000")
    assert changes[f"candidate:{loser}.elected"] == ("false", "true")
    assert changes[f"candidate:{runner_up}.elected"] == ("true", "false")
    assert "valid_votes" not in changes  # 1099 either way
    # A retry returns the first answer and issues nothing more.
    again = await elections.post(f"{API}/contests/{cid}/results/versions", json=body, headers=headers)
    assert again.status_code == 201
    assert again.json()["version"] == 2

    current = (await elections.get(f"{API}/contests/{cid}/results")).json()
    assert current["version"] == 2
    assert {c["candidate_id"] for c in current["candidates"] if c["elected"]} == {
        setup.candidate_ids[0],
        loser,
    }
    listed = (await elections.get(f"{API}/contests/{cid}/results/versions")).json()
    assert [v["version"] for v in listed] == [1, 2]
    assert listed[0]["reason"] is None
    assert listed[0]["changes"] == []
    old = await elections.get(f"{API}/contests/{cid}/results/versions/1")
    assert old.status_code == 200
    assert "immutable" in old.headers["cache-control"]
    assert {c["candidate_id"] for c in old.json()["result"]["candidates"] if c["elected"]} == set(
        setup.candidate_ids[:2]
    )
    problem_of(
        await elections.get(f"{API}/contests/{cid}/results/versions/3"), 404, "result-version-not-found"
    )

    nist = assert_valid_nist(
        (await elections.get(f"{API}/elections/{setup.election_id}/results/nist")).json()
    )
    assert nist["Status"] == "correction"
    contest = nist["Election"][0]["Contest"][0]
    assert contest["ExternalIdentifier"][0]["Value"] == "2"
    ballots = nist["Election"][0]["BallotCounts"][0]
    assert (ballots["BallotsCast"], ballots["BallotsRejected"]) == (1099 + 3 - 1, 2)
    rows = list(
        csv.DictReader(
            io.StringIO((await elections.get(f"{API}/elections/{setup.election_id}/results/csv")).text)
        )
    )
    assert {row["version"] for row in rows} == {"2"}

    # The recount is closed: tallies are frozen again, the objection resolved.
    objections = (await elections.get(f"{API}/contests/{cid}/objections")).json()
    assert objections[0]["state"] == "resolved"
    assert objections[0]["resolved_by_version"] == 2
    problem_of(
        await elections.post(f"{API}/contests/{cid}/results/versions", json=body, headers=actors.supervisor),
        409,
        "no-recount-ordered",
    )


async def test_refusals(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(
        elections, actors, kind="municipal_assembly", seats=2, stations=1, candidates=3
    )
    cid = setup.contest_id
    path = f"{API}/contests/{cid}/objections"
    # Not certified yet.
    problem_of(
        await elections.post(path, json=OBJECTION, headers=actors.supervisor), 409, "result-not-certified"
    )
    await enter(elections, actors, setup, [500, 300, 299])
    await post(elections, f"/contests/{cid}/certification", {}, actors.supervisor)
    # No token, wrong scope, unknown kind, extra field.
    assert (await elections.post(path, json=OBJECTION)).status_code == 401
    assert (await elections.post(path, json=OBJECTION, headers=actors.clerk())).status_code == 403
    problem_of(
        await elections.post(path, json={**OBJECTION, "kind": "appeal"}, headers=actors.supervisor), 422
    )
    problem_of(await elections.post(path, json={**OBJECTION, "x": 1}, headers=actors.supervisor), 422)
    # A review lies against municipal results: allowed here.
    review = await post(
        elections, f"/contests/{cid}/objections", {**OBJECTION, "kind": "review"}, actors.supervisor
    )
    decision_path = f"{path}/{review['id']}/decision"
    early = {**DECISION, "decided_on": "2026-07-01"}
    problem_of(
        await elections.post(decision_path, json=early, headers=actors.supervisor), 422, "invalid-objection"
    )
    dismissed = {**DECISION, "outcome": "dismissed"}
    assert (await elections.post(decision_path, json=dismissed, headers=actors.supervisor)).status_code == 200
    problem_of(
        await elections.post(decision_path, json=DECISION, headers=actors.supervisor),
        409,
        "objection-decided",
    )
    problem_of(
        await elections.post(f"{path}/999999/decision", json=DECISION, headers=actors.supervisor),
        404,
        "objection-not-found",
    )
    # A dismissed objection orders no recount: the tallies stay frozen and no version can be issued.
    body = {"objection_id": review["id"], "reason": "x"}
    problem_of(
        await elections.post(f"{API}/contests/{cid}/results/versions", json=body, headers=actors.supervisor),
        409,
        "no-recount-ordered",
    )
    # One open recount per contest.
    first = await post(elections, f"/contests/{cid}/objections", OBJECTION, actors.supervisor)
    second = await post(elections, f"/contests/{cid}/objections", OBJECTION, actors.supervisor)
    await post(elections, f"{path.removeprefix(API)}/{first['id']}/decision", DECISION, actors.supervisor)
    problem_of(
        await elections.post(f"{path}/{second['id']}/decision", json=DECISION, headers=actors.supervisor),
        409,
        "recount-open",
    )
    listed = (await elections.get(path)).json()
    assert [o["state"] for o in listed] == ["dismissed", "recount_ordered", "filed"]


async def test_a_national_result_is_contested_in_court_not_by_objection(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_district", seats=1, stations=1, candidates=2
    )
    await enter(elections, actors, setup, [600, 400])
    await post(elections, f"/contests/{setup.contest_id}/certification", {}, actors.supervisor)
    path = f"{API}/contests/{setup.contest_id}/objections"
    detail = problem_of(
        await elections.post(path, json=OBJECTION, headers=actors.supervisor), 422, "invalid-objection"
    )
    assert "court" in detail["detail"]
    lawsuit: dict[str, Any] = await post(
        elections,
        f"/contests/{setup.contest_id}/objections",
        {**OBJECTION, "kind": "lawsuit"},
        actors.supervisor,
    )
    assert "208" in lawsuit["legal_basis"]


async def test_two_reissues_at_once_make_one_version(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await certified_council(elections, actors)
    cid = setup.contest_id
    objection = await post(elections, f"/contests/{cid}/objections", OBJECTION, actors.supervisor)
    await post(
        elections, f"/contests/{cid}/objections/{objection['id']}/decision", DECISION, actors.supervisor
    )
    await enter(elections, actors, setup, [500, 298, 301])
    body = {"objection_id": objection["id"], "reason": "再点検"}
    responses = await asyncio.gather(
        *(
            elections.post(
                f"{API}/contests/{cid}/results/versions",
                json=body,
                headers={**actors.supervisor, "Idempotency-Key": f"race-{n}"},
            )
            for n in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["type"].rsplit(":", 1)[1] in {"no-recount-ordered", "result-version-conflict"}
    versions = (await elections.get(f"{API}/contests/{cid}/results/versions")).json()
    assert [v["version"] for v in versions] == [1, 2]
