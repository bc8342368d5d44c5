"""A House of Representatives block over HTTP: dual candidates sharing a rank, ordered by 惜敗率 from
the single-member districts of the same election, a lot for equal 惜敗率, district winners and those
under a tenth leaving the list, and a list that runs out (hand-computed)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.elections.factories import API, CHIYODA, Actors, Setup, make_election, post, problem_of

KANA = "アイウエオカキクケコサシ"


class Block:
    def __init__(self, client: httpx.AsyncClient, actors: Actors, setup: Setup) -> None:
        self.client, self.actors, self.setup = client, actors, setup
        self.people: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, int] = {}

    async def district(self, name: str) -> int:
        body = {"name": name, "kind": "house_of_representatives_district", "seats": 1}
        contest = await post(
            self.client,
            f"/elections/{self.setup.election_id}/contests",
            {**body, "local_government_codes": [CHIYODA]},
            self.actors.admin,
        )
        return int(contest["id"])

    async def stand(self, contest_id: int, name: str, party: int) -> None:
        person = {
            "name": f"候補 {name}",
            "kana": "コウホ " + KANA[len(self.people)],
            "birth_date": "1970-01-01",
            "party_id": self.setup.party_ids[party],
        }
        self.people[name] = person
        body = {**person, "deposit_yen": 3_000_000}
        self.ids[name] = int(
            (await post(self.client, f"/contests/{contest_id}/candidates", body, self.actors.admin))["id"]
        )

    async def enlist(self, name: str, rank: int, party: int | None = None) -> httpx.Response:
        if name in self.people:
            body = {**self.people[name], "district_candidate_id": self.ids[name]}
        else:
            body = {
                "name": f"名簿 {name}",
                "kana": "メイボ " + KANA[len(self.ids) % len(KANA)] * (len(self.ids) + 1),
                "birth_date": "1970-01-01",
                "party_id": self.setup.party_ids[party or 0],
            }
        body |= {"deposit_yen": 6_000_000, "list_rank": rank}
        response = await self.client.post(
            f"{API}/contests/{self.setup.contest_id}/candidates", json=body, headers=self.actors.admin
        )
        if response.status_code == 201:
            self.ids[f"list:{name}"] = int(response.json()["id"])
        return response

    async def tally(self, contest_id: int, votes: list[dict[str, Any]]) -> None:
        valid = sum(int(v["votes"]) for v in votes)
        body = {
            "station_id": self.setup.station_ids[0],
            "votes": votes,
            "ballots_issued": valid,
            "invalid_ballots": 0,
            "blank_ballots": 0,
            "unreturned_ballots": 0,
        }
        for clerk in ("a", "b"):
            sheet = await post(
                self.client, f"/contests/{contest_id}/tally-entries", body, self.actors.clerk(clerk)
            )
        assert sheet["status"] == "counted", sheet

    async def district_votes(self, contest_id: int, **votes: int) -> None:
        await self.tally(
            contest_id, [{"candidate_id": self.ids[k], "votes": str(v)} for k, v in votes.items()]
        )

    async def result(self) -> dict[str, Any]:
        response = await self.client.get(f"{API}/contests/{self.setup.contest_id}/results")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_general_election_block_with_dual_candidates(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=2, stations=1, parties=3
    )
    block = Block(elections, actors, setup)
    first, second, third = [await block.district(f"東京都第{n}区") for n in (1, 2, 3)]
    party_p, party_q = 0, 1
    await block.stand(first, "a", party_p)
    await block.stand(first, "x", party_q)
    await block.stand(second, "b", party_p)
    await block.stand(second, "y", party_q)
    await block.stand(third, "c", party_p)
    await block.stand(third, "z", party_q)
    for name in ("a", "b", "c", "x", "y", "z"):
        assert (await block.enlist(name, 1)).status_code == 201  # three dual candidates per party at rank 1
    assert (await block.enlist("d", 2, party_p)).status_code == 201
    assert (await block.enlist("r1", 1, 2)).status_code == 201
    assert (await block.enlist("r2", 2, 2)).status_code == 201

    # Party-name votes P 1000, Q 3000, R 600.
    await block.tally(
        setup.contest_id,
        [{"party_id": p, "votes": str(v)} for p, v in zip(setup.party_ids, (1000, 3000, 600), strict=True)],
    )
    waiting = await block.result()
    assert waiting["status"] == "unofficial-partial"  # the districts it depends on are not counted
    assert not any(c["elected"] for c in waiting["candidates"])

    await block.district_votes(first, a=750, x=1000)  # a: 3/4
    await block.district_votes(second, b=1500, y=2000)  # b: 3/4
    await block.district_votes(third, c=900, z=99)  # z: 99 < 999/10

    result = await block.result()
    a, b = f"candidate:{block.ids['list:a']}", f"candidate:{block.ids['list:b']}"
    key_names = {a: "候補 a", b: "候補 b"}
    assert result["lot_required"] == {
        "contenders": sorted(key_names),
        "names": [key_names[k] for k in sorted(key_names)],
        "seats_at_stake": 1,
        "tied_value": "3/4",
    }
    # Q's list is empty once x and y (district winners) and z (under a tenth) leave it: its 3000
    # votes win nothing, and D'Hondt goes on with P 1000 and R 600.
    seats = {p["party_id"]: p["seats"] for p in result["parties"]}
    assert seats == {setup.party_ids[0]: 0, setup.party_ids[1]: 0, setup.party_ids[2]: 0}  # until the lot

    lot = {
        "contenders": [a, b],
        "seats_at_stake": 1,
        "method": "drawn",
        "winners": [b],
        "drawn_by": "選挙長",
        "drawn_at": "2026-07-05T15:00:00Z",
    }
    recorded = await elections.post(
        f"{API}/contests/{setup.contest_id}/lots", json=lot, headers=actors.supervisor
    )
    assert recorded.status_code == 201, recorded.text

    result = await block.result()
    assert result["status"] == "unofficial-complete"
    assert result["lot_required"] is None
    seats = {p["party_id"]: p["seats"] for p in result["parties"]}
    assert seats == {setup.party_ids[0]: 1, setup.party_ids[1]: 0, setup.party_ids[2]: 1}
    seated = [(s["party_id"], s["divisor"], s["seat"]) for s in result["steps"] if s["seat"]]
    assert seated == [(setup.party_ids[0], 1, 1), (setup.party_ids[2], 1, 2)]
    names = {v: k.removeprefix("list:") for k, v in block.ids.items() if k.startswith("list:")}
    standing = {
        names[c["candidate_id"]]: (
            c["elected"],
            c["list_standing"]["place"],
            c["list_standing"]["sekihairitsu"],
            c["list_standing"]["standing"],
        )
        for c in result["candidates"]
    }
    assert standing == {
        "a": (False, 2, "3/4", "lot_lost"),
        "b": (True, 1, "3/4", "elected"),
        "c": (False, None, "1", "won_district"),
        "d": (False, 3, None, "after_last_seat"),
        "x": (False, None, "1", "won_district"),
        "y": (False, None, "1", "won_district"),
        "z": (False, None, "11/100", "below_deposit_line"),
        "r1": (True, 1, None, "elected"),
        "r2": (False, 2, None, "after_last_seat"),
    }
    explained = next(c for c in result["candidates"] if c["candidate_id"] == block.ids["list:b"])
    assert explained["list_standing"]["rank"] == 1
    assert explained["list_standing"]["sekihairitsu_decimal"] == "0.750"
    assert explained["list_standing"]["district_candidate_id"] == block.ids["b"]


async def test_dual_candidacies_are_checked(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=2, stations=1, parties=2
    )
    block = Block(elections, actors, setup)
    district = await block.district("東京都第1区")
    await block.stand(district, "a", 0)
    await block.stand(district, "b", 1)
    assert (await block.enlist("a", 1)).status_code == 201
    # The same district candidacy on a list twice.
    problem_of(await block.enlist("a", 2), 409, "duplicate-candidacy")
    # A list entry for another party than the one the person stands for in the district.
    wrong_party = {
        **block.people["b"],
        "party_id": setup.party_ids[0],
        "district_candidate_id": block.ids["b"],
    }
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates",
        json={**wrong_party, "deposit_yen": 6_000_000, "list_rank": 1},
        headers=actors.admin,
    )
    assert "for the party whose list this is" in problem_of(response, 422, "invalid-candidacy")["detail"]
    # Someone else than the district candidate.
    other = {**block.people["b"], "kana": "ベツジン", "district_candidate_id": block.ids["b"]}
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates",
        json={**other, "deposit_yen": 6_000_000, "list_rank": 1},
        headers=actors.admin,
    )
    problem_of(response, 422, "invalid-candidacy")
    # A candidate who is not dual cannot share the dual candidate's rank.
    problem_of(await block.enlist("d", 1, 0), 409, "duplicate-candidacy")
    # A candidacy of no contest of this election.
    unknown = {**block.people["b"], "district_candidate_id": 999999}
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates",
        json={**unknown, "deposit_yen": 6_000_000, "list_rank": 3},
        headers=actors.admin,
    )
    problem_of(response, 422, "unknown-candidate")


async def test_a_dual_candidates_district_candidacy_keeps_its_party_and_person(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=2, stations=1, parties=2
    )
    block = Block(elections, actors, setup)
    district = await block.district("東京都第1区")
    await block.stand(district, "a", 0)
    assert (await block.enlist("a", 1)).status_code == 201
    path = f"{API}/candidates/{block.ids['a']}"
    etag = (await elections.get(path, headers=actors.reader)).headers["etag"]
    body = {**block.people["a"], "deposit_yen": 3_000_000}
    for change in ({"party_id": setup.party_ids[1]}, {"kana": "ベツジン"}):
        response = await elections.put(path, json=body | change, headers={**actors.admin, "If-Match": etag})
        problem_of(response, 422, "invalid-candidacy")
    kept = await elections.put(
        path, json=body | {"name": "候補 あ"}, headers={**actors.admin, "If-Match": etag}
    )
    assert kept.status_code == 200, kept.text


async def test_a_dual_candidates_district_lies_within_the_block(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=2, stations=1, parties=1
    )
    block = Block(elections, actors, setup)
    osaka = await post(
        elections,
        f"/elections/{setup.election_id}/contests",
        {
            "name": "大阪府第1区",
            "kind": "house_of_representatives_district",
            "seats": 1,
            "local_government_codes": ["271004"],
        },
        actors.admin,
    )
    await block.stand(int(osaka["id"]), "a", 0)
    response = await block.enlist("a", 1)
    assert "within the block" in problem_of(response, 422, "invalid-candidacy")["detail"]
    listed = await elections.get(f"{API}/contests/{setup.contest_id}/results")
    assert listed.json()["candidates"] == []  # bad input changed nothing
