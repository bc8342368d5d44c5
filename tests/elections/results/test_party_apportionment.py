"""Ambiguous party names (按分, art. 68-3) in a House of Representatives block and, mixed with
candidate names, in the House of Councillors national block (hand-computed)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.elections.factories import API, Actors, Setup, make_election, post, problem_of
from tests.elections.results.test_endpoints import list_candidate, result_of


def entry(setup: Setup, votes: list[dict[str, Any]], ambiguous: list[dict[str, Any]]) -> dict[str, Any]:
    valid = sum(int(v["votes"]) for v in votes) + sum(g["ballots"] for g in ambiguous)
    return {
        "station_id": setup.station_ids[0],
        "votes": votes,
        "ambiguous": ambiguous,
        "ballots_issued": valid + 3,
        "invalid_ballots": 2,
        "blank_ballots": 1,
        "unreturned_ballots": 1,
    }


async def enter_twice(client: httpx.AsyncClient, actors: Actors, setup: Setup, body: dict[str, Any]) -> None:
    for clerk in ("a", "b"):
        sheet = await post(client, f"/contests/{setup.contest_id}/tally-entries", body, actors.clerk(clerk))
    assert sheet["status"] == "counted", sheet


async def test_a_party_name_several_parties_share_is_split_by_their_clear_party_votes(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=3, stations=1, parties=3
    )
    for party in range(3):
        for rank in (1, 2):
            await list_candidate(elections, actors, setup, party, f"{'ABC'[party]}{rank}", list_rank=rank)
    p = setup.party_ids
    votes = [{"party_id": p[0], "votes": "330"}, {"party_id": p[1], "votes": "130"}]
    votes.append({"party_id": p[2], "votes": "100"})
    await enter_twice(
        elections, actors, setup, entry(setup, votes, [{"party_ids": [p[1], p[0]], "ballots": 10}])
    )
    result = await result_of(elections, setup)
    parties = {row["party_id"]: row for row in result["parties"]}
    # 10 × 330/460 = 7.1739… → 7.173; 10 × 130/460 = 2.8260… → 2.826 (truncated, art. 68-3 with 68-2).
    assert parties[p[0]]["party_name_votes"] == "337.173"
    assert parties[p[1]]["party_name_votes"] == "132.826"
    assert parties[p[2]]["party_name_votes"] == "100.000"
    assert result["valid_votes"] == "569.999"
    # Quotients 337.173, 168.5865, 132.826, 112.391 (p0/3), 100: seats 2, 1, 0.
    assert [parties[i]["seats"] for i in p] == [2, 1, 0]
    district = result["by_counting_district"][0]["counts"]
    assert {c["party_id"]: c["votes"] for c in district if c["party_id"]}[p[0]] == "337.173"


async def test_national_block_splits_a_name_fitting_a_party_and_another_partys_candidate(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_councillors_national", seats=2, stations=1, parties=2
    )
    first = await list_candidate(elections, actors, setup, 0, "甲")
    second = await list_candidate(elections, actors, setup, 1, "乙")
    p = setup.party_ids
    votes = [
        {"party_id": p[0], "votes": "330"},
        {"candidate_id": first, "votes": "50"},
        {"candidate_id": second, "votes": "130"},
    ]
    ambiguous = [{"party_ids": [p[0]], "candidate_ids": [second], "ballots": 10}]
    await enter_twice(elections, actors, setup, entry(setup, votes, ambiguous))
    result = await result_of(elections, setup)
    candidates = {c["candidate_id"]: c["votes"] for c in result["candidates"]}
    assert candidates == {first: "50.000", second: "132.826"}
    parties = {row["party_id"]: row for row in result["parties"]}
    assert parties[p[0]]["party_name_votes"] == "337.173"
    assert parties[p[0]]["votes"] == "387.173"
    # The candidate's share counts for the candidate's party.
    assert parties[p[1]]["candidate_votes"] == "132.826"
    assert parties[p[1]]["votes"] == "132.826"
    assert result["valid_votes"] == "519.999"


async def test_ambiguous_party_names_are_refused_where_the_law_has_none(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    mayor = await make_election(elections, actors, candidates=2, stations=1, parties=2)
    body = entry(mayor, [], [{"party_ids": mayor.party_ids, "ballots": 3}])
    response = await elections.post(
        f"{API}/contests/{mayor.contest_id}/tally-entries", json=body, headers=actors.clerk("a")
    )
    problem_of(response, 422, "invalid-tally")

    block = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=2, stations=1, parties=2
    )
    listed = await list_candidate(elections, actors, block, 0, "A1", list_rank=1)
    for ambiguous, slug in (
        ([{"party_ids": [block.party_ids[0]], "candidate_ids": [listed], "ballots": 3}], "invalid-tally"),
        ([{"party_ids": block.party_ids, "ballots": 3}], "invalid-tally"),  # party 2 has no list
        ([{"party_ids": [block.party_ids[0]], "ballots": 3}], "validation-failed"),
    ):
        response = await elections.post(
            f"{API}/contests/{block.contest_id}/tally-entries",
            json=entry(block, [], ambiguous),
            headers=actors.clerk("a"),
        )
        problem_of(response, 422, slug)
