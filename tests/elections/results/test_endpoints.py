"""Results over HTTP: statutory minimum, fractional votes, lots, D'Hondt, certification, exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.elections.factories import API, Actors, Setup, make_election, post, problem_of
from tests.elections.nist import assert_valid_nist


async def count(
    client: httpx.AsyncClient,
    actors: Actors,
    setup: Setup,
    station: int,
    *,
    candidates: dict[int, int] | None = None,
    parties: dict[int, int] | None = None,
    ambiguous: list[tuple[list[int], int]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    votes = [{"candidate_id": setup.candidate_ids[i], "votes": str(v)} for i, v in (candidates or {}).items()]
    votes += [{"party_id": setup.party_ids[i], "votes": str(v)} for i, v in (parties or {}).items()]
    groups = [{"candidate_ids": [setup.candidate_ids[i] for i in ids], "ballots": n} for ids, n in ambiguous]
    valid = sum((candidates or {}).values()) + sum((parties or {}).values()) + sum(n for _, n in ambiguous)
    body = {
        "station_id": setup.station_ids[station],
        "votes": votes,
        "ambiguous": groups,
        "ballots_issued": valid + 5,
        "invalid_ballots": 4,
        "blank_ballots": 2,
        "unreturned_ballots": 1,
    }
    result: dict[str, Any] = {}
    for clerk in ("a", "b"):
        result = await post(client, f"/contests/{setup.contest_id}/tally-entries", body, actors.clerk(clerk))
    assert result["status"] == "counted", result
    return result


async def result_of(client: httpx.AsyncClient, setup: Setup) -> dict[str, Any]:
    response = await client.get(f"{API}/contests/{setup.contest_id}/results")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_partial_then_complete_with_fractional_votes(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=3)
    await count(elections, actors, setup, 0, candidates={0: 300, 1: 100, 2: 40}, ambiguous=[([0, 1], 10)])
    partial = await result_of(elections, setup)
    assert partial["status"] == "unofficial-partial"
    assert partial["counting_districts_reported"] == 0
    assert not any(c["elected"] for c in partial["candidates"])
    await count(elections, actors, setup, 1, candidates={0: 30, 1: 30, 2: 10})
    result = await result_of(elections, setup)
    assert result["status"] == "unofficial-complete"
    votes = {c["candidate_id"]: c["votes"] for c in result["candidates"]}
    # Counting district clear votes 330 and 130: the 10 ambiguous ballots give +7.173 and +2.826.
    assert votes[setup.candidate_ids[0]] == "337.173"
    assert votes[setup.candidate_ids[1]] == "132.826"
    assert result["valid_votes"] == "519.999"
    assert result["minimum_to_win"] == "519999/4000"  # V/4 for a mayor
    assert result["deposit_forfeited_below"] == "519999/10000"
    elected = [c for c in result["candidates"] if c["elected"]]
    assert [c["candidate_id"] for c in elected] == [setup.candidate_ids[0]]
    district = result["by_counting_district"][0]
    assert district["reported"] is True
    assert {c["candidate_id"]: c["votes"] for c in district["counts"]}[setup.candidate_ids[0]] == "337.173"
    nist = assert_valid_nist(
        (await elections.get(f"{API}/elections/{setup.election_id}/results/nist")).json()
    )
    first = nist["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"]
    assert [c["Count"] for c in first] == [337.173, 337.173]  # the contest, then its one counting district
    assert first[1]["GpUnitId"] == f"gpu-cd-{setup.district_id}"
    third = result["candidates"][2]
    assert third["votes"] == "50.000"
    assert third["reached_minimum"] is False
    assert third["deposit_forfeited"] is True  # 50 < 51.9999


async def test_re_election_when_nobody_reaches_the_minimum(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=5, stations=1)
    await count(elections, actors, setup, 0, candidates={0: 24, 1: 22, 2: 20, 3: 18, 4: 16})
    result = await result_of(elections, setup)
    assert result["re_election_required"] is True
    assert result["seats_unfilled"] == 1
    assert not any(c["elected"] for c in result["candidates"])


async def test_tie_needs_a_lot_then_certification_freezes(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=2, stations=1)
    await count(elections, actors, setup, 0, candidates={0: 500, 1: 500})
    result = await result_of(elections, setup)
    keys = [f"candidate:{c}" for c in setup.candidate_ids]
    assert result["lot_required"] == {
        "contenders": sorted(keys),
        "names": ["候補 1", "候補 2"],
        "seats_at_stake": 1,
        "tied_value": "500",
    }
    problem_of(
        await elections.post(f"{API}/contests/{setup.contest_id}/certification", headers=actors.supervisor),
        409,
        "lot-required",
    )
    lot = {
        "contenders": keys,
        "seats_at_stake": 1,
        "method": "drawn",
        "winners": [keys[1]],
        "drawn_by": "選挙長 山田",
        "drawn_at": "2026-07-05T13:00:00Z",
    }
    problem_of(
        await elections.post(f"{API}/contests/{setup.contest_id}/lots", json=lot, headers=actors.clerk()), 403
    )
    wrong = {**lot, "seats_at_stake": 1, "contenders": [keys[0], "candidate:999"], "winners": [keys[0]]}
    problem_of(
        await elections.post(
            f"{API}/contests/{setup.contest_id}/lots", json=wrong, headers=actors.supervisor
        ),
        409,
        "no-such-tie",
    )
    recorded = await elections.post(
        f"{API}/contests/{setup.contest_id}/lots", json=lot, headers=actors.supervisor
    )
    assert recorded.status_code == 201, recorded.text
    result = await result_of(elections, setup)
    assert result["lot_required"] is None
    lots = await elections.get(f"{API}/contests/{setup.contest_id}/lots", headers=actors.reader)
    assert [entry["winners"] for entry in lots.json()] == [[keys[1]]]
    assert [c["elected"] for c in result["candidates"]] == [False, True]
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    assert next(r for r in log if r["action"] == "lot.recorded")["details"]["winners"] == [keys[1]]

    certified = await elections.post(
        f"{API}/contests/{setup.contest_id}/certification", headers=actors.supervisor
    )
    assert certified.status_code == 200, certified.text
    assert certified.json()["status"] == "certified"
    problem_of(
        await elections.post(f"{API}/contests/{setup.contest_id}/certification", headers=actors.supervisor),
        409,
        "already-certified",
    )
    body = {
        "station_id": setup.station_ids[0],
        "votes": [],
        "ballots_issued": 0,
        "invalid_ballots": 0,
        "blank_ballots": 0,
        "unreturned_ballots": 0,
    }
    problem_of(
        await elections.post(
            f"{API}/contests/{setup.contest_id}/tally-entries", json=body, headers=actors.clerk()
        ),
        409,
        "result-certified",
    )
    public = await elections.get(f"{API}/contests/{setup.contest_id}/results")
    assert public.json()["status"] == "certified"
    assert "public" in public.headers["cache-control"]
    again = await elections.get(
        f"{API}/contests/{setup.contest_id}/results", headers={"If-None-Match": public.headers["etag"]}
    )
    assert again.status_code == 304
    verified = await elections.get(f"{API}/audit-log/verification", headers=actors.supervisor)
    assert verified.json()["intact"] is True


async def test_incomplete_results_cannot_be_certified(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2, stations=2)
    await count(elections, actors, setup, 0, candidates={0: 5, 1: 3})
    problem_of(
        await elections.post(f"{API}/contests/{setup.contest_id}/certification", headers=actors.supervisor),
        409,
        "result-incomplete",
    )


async def list_candidate(
    client: httpx.AsyncClient, actors: Actors, setup: Setup, party: int, name: str, **ranks: int
) -> int:
    body = {
        "name": name,
        "kana": "リスト" + "ア" * (len(setup.candidate_ids) + 1),
        "birth_date": "1970-01-01",
        "deposit_yen": 6_000_000,
        "party_id": setup.party_ids[party],
        **ranks,
    }
    created = await post(client, f"/contests/{setup.contest_id}/candidates", body, actors.admin)
    setup.candidate_ids.append(created["id"])
    return int(created["id"])


async def test_reference_dhondt_example_with_a_seeded_lot(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=4, stations=1, parties=3
    )
    for party in range(3):
        for rank in (1, 2, 3):
            await list_candidate(elections, actors, setup, party, f"{'ABC'[party]}{rank}", list_rank=rank)
    await count(elections, actors, setup, 0, parties={0: 1000, 1: 800, 2: 400})
    result = await result_of(elections, setup)
    b, c = (f"party:{setup.party_ids[i]}" for i in (1, 2))
    assert result["lot_required"]["contenders"] == sorted([b, c])
    assert result["lot_required"]["seats_at_stake"] == 1
    seated = [(s["party_id"], s["divisor"], s["seat"]) for s in result["steps"] if s["seat"]]
    assert seated == [(setup.party_ids[0], 1, 1), (setup.party_ids[1], 1, 2), (setup.party_ids[0], 2, 3)]
    seed = {
        "contenders": [b, c],
        "seats_at_stake": 1,
        "method": "seed",
        "seed": "committed-seed-2026-07-05",
        "drawn_by": "選挙長",
        "drawn_at": "2026-07-05T13:00:00Z",
    }
    recorded = await elections.post(
        f"{API}/contests/{setup.contest_id}/lots", json=seed, headers=actors.supervisor
    )
    assert recorded.status_code == 201, recorded.text
    winner = recorded.json()["winners"][0]
    again = await elections.post(
        f"{API}/contests/{setup.contest_id}/lots", json=seed, headers=actors.supervisor
    )
    problem_of(again, 409, "no-such-tie")
    result = await result_of(elections, setup)
    seats = {p["party_id"]: p["seats"] for p in result["parties"]}
    assert seats[setup.party_ids[0]] == 2
    assert seats[int(winner.split(":")[1])] == (2 if winner == b else 1)
    elected_names = {c["name"] for c in result["candidates"] if c["elected"]}
    assert {"A1", "A2"} <= elected_names
    assert "A3" not in elected_names


async def test_councillors_national_block_priority_list_then_personal_votes(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_councillors_national", seats=3, stations=1, parties=2
    )
    p1 = await list_candidate(elections, actors, setup, 0, "特定", priority_rank=1)
    await list_candidate(elections, actors, setup, 0, "甲")
    await list_candidate(elections, actors, setup, 0, "乙")
    await list_candidate(elections, actors, setup, 1, "丙")
    # Party 0: 100 name votes + 500 + 900 = 1500; party 1: 200 + 301 = 501. Quotients 1500, 750, 501.
    await count(elections, actors, setup, 0, candidates={1: 500, 2: 900, 3: 301}, parties={0: 100, 1: 200})
    result = await result_of(elections, setup)
    assert result["lot_required"] is None
    parties = {p["party_id"]: p for p in result["parties"]}
    assert parties[setup.party_ids[0]]["votes"] == "1500.000"
    assert parties[setup.party_ids[0]]["party_name_votes"] == "100.000"
    assert parties[setup.party_ids[1]]["votes"] == "501.000"
    assert parties[setup.party_ids[0]]["seats"] == 2
    assert parties[setup.party_ids[1]]["seats"] == 1
    elected = [c["name"] for c in result["candidates"] if c["elected"]]
    assert sorted(elected) == sorted(["特定", "乙", "丙"])  # 特定枠 first, then 乙 (900) over 甲 (500)
    assert p1 in {c["candidate_id"] for c in result["candidates"] if c["elected"]}


async def test_public_results_exports_and_funds_view(
    elections: httpx.AsyncClient, actors: Actors, tokens: Any
) -> None:
    setup = await make_election(elections, actors, candidates=2, stations=1)
    await count(elections, actors, setup, 0, candidates={0: 700, 1: 300})
    problem_of(
        await elections.get(
            f"{API}/contests/{setup.contest_id}/results", headers={"Authorization": "Bearer nope"}
        ),
        401,
    )
    everything = await elections.get(f"{API}/elections/{setup.election_id}/results")
    assert everything.status_code == 200
    contest = everything.json()["contests"][0]
    assert contest["candidates"][0]["elected"] is True
    assert everything.headers["cache-control"] == "no-cache"

    nist = assert_valid_nist(
        (await elections.get(f"{API}/elections/{setup.election_id}/results/nist")).json()
    )
    assert nist["@type"] == "ElectionResults.ElectionReport"
    assert nist["Status"] == "unofficial-complete"
    selections = nist["Election"][0]["Contest"][0]["ContestSelection"]
    assert [s["VoteCounts"][0]["Count"] for s in selections] == [700, 300]
    assert {c["PostElectionStatus"] for c in nist["Election"][0]["Candidate"]} == {"winner", "defeated"}

    exported = await elections.get(f"{API}/elections/{setup.election_id}/results/csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["name"], r["votes"], r["elected"]) for r in rows] == [
        ("候補 1", "700.000", "true"),
        ("候補 2", "300.000", "false"),
    ]
    problem_of(await elections.get(f"{API}/elections/999999/results"), 404, "election-not-found")
