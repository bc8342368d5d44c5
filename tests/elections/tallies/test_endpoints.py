"""Tally entry over HTTP: double entry, differences, reconciliation, concurrency, refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.elections.factories import API, Actors, Setup, make_election, problem_of


def sheet(
    setup: Setup,
    station: int,
    votes: list[int],
    *,
    ambiguous: int = 0,
    invalid: int = 2,
    unreturned: int = 1,
    extra_issued: int = 0,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "station_id": setup.station_ids[station],
        "votes": [
            {"candidate_id": c, "votes": str(v)} for c, v in zip(setup.candidate_ids, votes, strict=False)
        ],
        "ballots_issued": sum(votes) + ambiguous + invalid + unreturned + extra_issued,
        "invalid_ballots": invalid,
        "blank_ballots": 1,
        "unreturned_ballots": unreturned,
    }
    if ambiguous:
        body["ambiguous"] = [{"candidate_ids": setup.candidate_ids[:2], "ballots": ambiguous}]
    return body


async def enter(
    client: httpx.AsyncClient, actors: Actors, setup: Setup, body: dict[str, Any], clerk: str
) -> httpx.Response:
    return await client.post(
        f"{API}/contests/{setup.contest_id}/tally-entries", json=body, headers=actors.clerk(clerk)
    )


async def test_double_entry_counts_only_when_two_clerks_agree(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=3)
    first = await enter(elections, actors, setup, sheet(setup, 0, [300, 100, 50]), "a")
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "awaiting_second_entry"
    same_clerk = await enter(elections, actors, setup, sheet(setup, 0, [300, 100, 50]), "a")
    assert same_clerk.json()["status"] == "awaiting_second_entry"
    second = await enter(elections, actors, setup, sheet(setup, 0, [300, 100, 50]), "b")
    body = second.json()
    assert body["status"] == "counted"
    assert body["clerks"] == ["a", "b"]
    assert body["valid_votes"] == "450.000"
    assert body["ballots_issued"] == 453
    problem_of(await enter(elections, actors, setup, sheet(setup, 0, [1, 1, 1]), "c"), 409, "sheet-counted")


async def test_disagreeing_entries_list_the_differences(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    await enter(elections, actors, setup, sheet(setup, 0, [300, 100]), "a")
    disputed = (await enter(elections, actors, setup, sheet(setup, 0, [310, 100], unreturned=0), "b")).json()
    assert disputed["status"] == "disputed"
    fields = {d["field"]: d["values"] for d in disputed["differences"]}
    assert fields[f"votes.candidate:{setup.candidate_ids[0]}"] == {"a": "300.000", "b": "310.000"}
    assert fields["unreturned_ballots"] == {"a": 1, "b": 0}
    assert fields["ballots_issued"] == {"a": 403, "b": 412}
    assert "invalid_ballots" not in fields
    corrected = (await enter(elections, actors, setup, sheet(setup, 0, [300, 100]), "b")).json()
    assert corrected["status"] == "counted"
    assert corrected["differences"] == []


async def test_reconciliation_mismatch_is_a_problem_on_the_sheet(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=2)
    for clerk in ("a", "b"):
        response = await enter(elections, actors, setup, sheet(setup, 0, [300, 100], extra_issued=2), clerk)
    result = response.json()
    assert result["status"] == "unreconciled"
    assert result["problems"][0]["type"] == "urn:jichi:problem:reconciliation-mismatch"
    listed = await elections.get(
        f"{API}/contests/{setup.contest_id}/tally-sheets",
        params={"status": "unreconciled"},
        headers=actors.reader,
    )
    assert [s["id"] for s in listed.json()["items"]] == [result["id"]]
    read = await elections.get(f"{API}/tally-sheets/{result['id']}", headers=actors.reader)
    assert (read.status_code, read.json()) == (200, result)


async def test_two_clerks_at_the_same_moment(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    responses = await asyncio.gather(
        enter(elections, actors, setup, sheet(setup, 0, [30, 10]), "a"),
        enter(elections, actors, setup, sheet(setup, 0, [30, 10]), "b"),
    )
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    assert sorted(r.json()["status"] for r in responses) == ["awaiting_second_entry", "counted"]


async def test_a_district_is_tallied_one_way(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    await enter(elections, actors, setup, sheet(setup, 0, [30, 10]), "a")
    whole = {**sheet(setup, 0, [30, 10]), "station_id": None, "counting_district_id": setup.district_id}
    problem_of(await enter(elections, actors, setup, whole, "a"), 409, "tally-unit-conflict")


@pytest.mark.parametrize(
    ("change", "status", "slug"),
    [
        ({"votes": [{"candidate_id": 999999, "votes": "1"}]}, 422, "invalid-tally"),
        ({"votes": [{"party_id": 1, "votes": "1"}]}, 422, "invalid-tally"),
        ({"votes": [{"candidate_id": 1, "votes": "1.5"}]}, 422, "invalid-tally"),
        ({"votes": [{"candidate_id": 1, "votes": "-1"}]}, 422, "validation-failed"),
        ({"votes": [{"candidate_id": 1, "votes": "1.0001"}]}, 422, "validation-failed"),
        ({"votes": [{"candidate_id": 1, "party_id": 1, "votes": "1"}]}, 422, "validation-failed"),
        ({"station_id": None}, 422, "validation-failed"),
        ({"station_id": 999999}, 422, "unknown-station"),
        ({"blank_ballots": 3, "invalid_ballots": 2}, 422, "validation-failed"),
        ({"ballots_issued": -1}, 422, "validation-failed"),
        ({"ambiguous": [{"candidate_ids": [1], "ballots": 2}]}, 422, "validation-failed"),
    ],
)
async def test_bad_entries_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, change: dict[str, Any], status: int, slug: str
) -> None:
    setup = await make_election(elections, actors, candidates=2)
    body = {**sheet(setup, 0, [30, 10]), **change}
    for vote in body["votes"]:
        if vote.get("candidate_id") == 1:
            vote["candidate_id"] = setup.candidate_ids[0]
    problem_of(await enter(elections, actors, setup, body, "a"), status, slug)
    listed = await elections.get(f"{API}/contests/{setup.contest_id}/tally-sheets", headers=actors.reader)
    assert listed.json()["items"] == []


async def test_tally_scopes(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/tally-entries",
        json=sheet(setup, 0, [1, 1]),
        headers=actors.reader,
    )
    problem_of(response, 403)
    problem_of(await elections.get(f"{API}/tally-sheets/1"), 401)
    problem_of(
        await elections.get(f"{API}/tally-sheets/999999", headers=actors.reader), 404, "tally-sheet-not-found"
    )
