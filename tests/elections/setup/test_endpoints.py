"""Setting up elections: validation, duplicates, idempotency, scopes, malformed input."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.elections.factories import API, CHIYODA, ELECTION, Actors, make_election, post, problem_of


async def test_create_and_read_an_election(elections: httpx.AsyncClient, actors: Actors) -> None:
    response = await elections.post(f"{API}/elections", json=ELECTION, headers=actors.admin)
    assert response.status_code == 201
    body = response.json()
    assert body["early_voting_start_date"] == "2026-06-29"
    assert body["early_voting_end_date"] == "2026-07-04"
    assert response.headers["etag"] == '"v1"'
    got = await elections.get(f"{API}/elections/{body['id']}", headers=actors.reader)
    assert got.json() == body
    listed = await elections.get(f"{API}/elections", headers=actors.reader)
    assert [e["id"] for e in listed.json()["items"]] == [body["id"]]


async def test_reference_date_defaults_to_the_day_before_the_announcement(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    body = {k: v for k, v in ELECTION.items() if k != "reference_date"}
    created = await post(elections, "/elections", body, actors.admin)
    assert created["reference_date"] == "2026-06-27"


@pytest.mark.parametrize(
    "change",
    [
        {"polling_day": "2026-06-28"},
        {"polling_day": "2026-06-01"},
        {"reference_date": "2026-06-29"},
        {"polling_day": "2026-02-30"},
        {"name": ""},
        {"unknown": 1},
    ],
)
async def test_inconsistent_dates_are_refused_and_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, change: dict[str, object]
) -> None:
    response = await elections.post(f"{API}/elections", json={**ELECTION, **change}, headers=actors.admin)
    problem_of(response, 422, "validation-failed")
    assert (await elections.get(f"{API}/elections", headers=actors.reader)).json()["items"] == []


async def test_scopes(elections: httpx.AsyncClient, actors: Actors) -> None:
    problem_of(await elections.post(f"{API}/elections", json=ELECTION), 401)
    problem_of(
        await elections.post(f"{API}/elections", json=ELECTION, headers=actors.reader),
        403,
        "insufficient-scope",
    )
    problem_of(await elections.get(f"{API}/elections"), 401)


async def test_idempotent_creation(elections: httpx.AsyncClient, actors: Actors) -> None:
    headers = {**actors.admin, "Idempotency-Key": "e-1"}
    first = await elections.post(f"{API}/elections", json=ELECTION, headers=headers)
    again = await elections.post(f"{API}/elections", json=ELECTION, headers=headers)
    assert first.json() == again.json()
    assert len((await elections.get(f"{API}/elections", headers=actors.reader)).json()["items"]) == 1


async def test_unknown_and_malformed_ids(elections: httpx.AsyncClient, actors: Actors) -> None:
    problem_of(await elections.get(f"{API}/elections/999", headers=actors.reader), 404, "election-not-found")
    problem_of(await elections.get(f"{API}/elections/abc", headers=actors.reader), 422)
    problem_of(await elections.get(f"{API}/elections/0", headers=actors.reader), 422)
    problem_of(await elections.get(f"{API}/elections/99999999999999", headers=actors.reader), 422)


@pytest.mark.parametrize(
    "contest",
    [
        {"name": "x", "kind": "mayor", "seats": 2, "local_government_codes": [CHIYODA]},
        {"name": "x", "kind": "emperor", "seats": 1, "local_government_codes": [CHIYODA]},
        {"name": "x", "kind": "mayor", "seats": 1, "local_government_codes": ["131017"]},
        {"name": "x", "kind": "municipal_assembly", "seats": 0, "local_government_codes": [CHIYODA]},
        {"name": "x", "kind": "municipal_assembly", "seats": 3, "local_government_codes": []},
        {"name": "x", "kind": "municipal_assembly", "seats": 3, "local_government_codes": [CHIYODA, CHIYODA]},
    ],
)
async def test_bad_contests(elections: httpx.AsyncClient, actors: Actors, contest: dict[str, object]) -> None:
    election = await post(elections, "/elections", ELECTION, actors.admin)
    response = await elections.post(
        f"{API}/elections/{election['id']}/contests", json=contest, headers=actors.admin
    )
    problem_of(response, 422)
    listed = await elections.get(f"{API}/elections/{election['id']}/contests", headers=actors.reader)
    assert listed.json()["items"] == []


async def test_a_candidate_stands_once_per_election(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=1)
    twin = {"name": "別名", "kana": "こうほ　あ", "birth_date": "1970-01-01", "deposit_yen": 1_000_000}
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates", json=twin, headers=actors.admin
    )
    problem_of(response, 409, "duplicate-candidacy")
    listed = await elections.get(f"{API}/contests/{setup.contest_id}/candidates", headers=actors.reader)
    assert len(listed.json()["items"]) == 1


@pytest.mark.parametrize(
    ("kind", "seats", "extra", "slug"),
    [
        ("mayor", 1, {"birth_date": "2005-01-01"}, "invalid-candidacy"),  # under 25
        ("mayor", 1, {"list_rank": 1}, "invalid-candidacy"),
        ("house_of_representatives_proportional", 5, {"list_rank": 1}, "invalid-candidacy"),  # no party
        ("house_of_councillors_national", 5, {"party_id": 999999}, "unknown-party"),
        ("mayor", 1, {"deposit_yen": -1}, "validation-failed"),
        ("mayor", 1, {"deposit_yen": 1.5}, "validation-failed"),
    ],
)
async def test_invalid_candidacies(
    elections: httpx.AsyncClient, actors: Actors, kind: str, seats: int, extra: dict[str, object], slug: str
) -> None:
    setup = await make_election(elections, actors, kind=kind, seats=seats, stations=0)
    body = {
        "name": "山田 太郎",
        "kana": "ヤマダ タロウ",
        "birth_date": "1970-01-01",
        "deposit_yen": 1,
        **extra,
    }
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates", json=body, headers=actors.admin
    )
    problem_of(response, 422, slug)


async def test_list_order_is_unique_per_party(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(
        elections, actors, kind="house_of_representatives_proportional", seats=5, stations=0, parties=1
    )
    base = {
        "birth_date": "1970-01-01",
        "deposit_yen": 6_000_000,
        "party_id": setup.party_ids[0],
        "list_rank": 1,
    }
    await post(
        elections,
        f"/contests/{setup.contest_id}/candidates",
        {**base, "name": "甲", "kana": "コウ"},
        actors.admin,
    )
    response = await elections.post(
        f"{API}/contests/{setup.contest_id}/candidates",
        json={**base, "name": "乙", "kana": "オツ"},
        headers=actors.admin,
    )
    problem_of(response, 409, "duplicate-candidacy")


async def test_station_areas_are_exclusive(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, stations=1)
    body = {"name": "別の投票所", "counting_district_id": setup.district_id, "address_areas": ["丸の内1丁目"]}
    response = await elections.post(
        f"{API}/elections/{setup.election_id}/polling-stations", json=body, headers=actors.admin
    )
    problem_of(response, 409, "address-area-taken")
    body = {"name": "別の投票所", "counting_district_id": 999999, "address_areas": ["大手町"]}
    response = await elections.post(
        f"{API}/elections/{setup.election_id}/polling-stations", json=body, headers=actors.admin
    )
    problem_of(response, 422, "unknown-counting-district")


async def test_setup_is_audited(elections: httpx.AsyncClient, actors: Actors) -> None:
    await make_election(elections, actors, candidates=2)
    log = await elections.get(f"{API}/audit-log", headers=actors.supervisor)
    actions = [r["action"] for r in log.json()["items"]]
    assert actions[0] == "election.created"
    assert actions.count("candidate.created") == 2
    verified = await elections.get(f"{API}/audit-log/verification", headers=actors.supervisor)
    assert verified.json() == {"records": len(actions), "intact": True, "first_broken_seq": None}


async def test_replace_needs_if_match_and_loses_races(elections: httpx.AsyncClient, actors: Actors) -> None:
    created = await elections.post(f"{API}/elections", json=ELECTION, headers=actors.admin)
    path = f"{API}/elections/{created.json()['id']}"
    renamed = {**ELECTION, "name": "千代田区長選挙（訂正）"}
    problem_of(await elections.put(path, json=renamed, headers=actors.admin), 428, "if-match-required")
    problem_of(
        await elections.put(path, json=renamed, headers={**actors.admin, "If-Match": '"v9"'}),
        412,
        "etag-mismatch",
    )
    both = await asyncio.gather(
        *(elections.put(path, json=renamed, headers={**actors.admin, "If-Match": '"v1"'}) for _ in range(2))
    )
    assert sorted(r.status_code for r in both) == [200, 412]
    current = await elections.get(path, headers=actors.reader)
    assert current.headers["etag"] == '"v2"'
    assert current.json()["name"] == "千代田区長選挙（訂正）"
    bad = {**ELECTION, "polling_day": "2026-06-01"}
    problem_of(await elections.put(path, json=bad, headers={**actors.admin, "If-Match": '"v2"'}), 422)
    assert (await elections.get(path, headers=actors.reader)).json()["polling_day"] == "2026-07-05"


async def _walk(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[int]:
    ids: list[int] = []
    params: dict[str, str | int] = {"page_size": 1}
    while True:
        page = await client.get(path, params=params, headers=headers)
        assert page.status_code == 200, page.text
        ids += [item["id"] for item in page.json()["items"]]
        token = page.json().get("next_page_token")
        if not token:
            return ids
        params["page_token"] = token


async def test_lists_page_through_every_item_once_and_name_a_missing_parent(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, stations=3, candidates=3)
    stations = await _walk(elections, f"{API}/elections/{setup.election_id}/polling-stations", actors.reader)
    assert stations == sorted(setup.station_ids)
    candidates = await _walk(elections, f"{API}/contests/{setup.contest_id}/candidates", actors.reader)
    assert len(candidates) == 3
    assert candidates == sorted(candidates)
    first = await elections.get(
        f"{API}/elections/{setup.election_id}/polling-stations",
        params={"page_size": 1},
        headers=actors.reader,
    )
    token = first.json()["next_page_token"]
    problem_of(
        await elections.get(
            f"{API}/elections/{setup.election_id}/parties",
            params={"page_token": token},
            headers=actors.reader,
        ),
        400,
        "invalid-page-token",
    )
    for path, slug in (
        ("/elections/999999/polling-stations", "election-not-found"),
        ("/elections/999999/counting-districts", "election-not-found"),
        ("/elections/999999/parties", "election-not-found"),
        ("/contests/999999/candidates", "contest-not-found"),
        ("/contests/999999", "contest-not-found"),
        ("/elections/999999", "election-not-found"),
    ):
        problem_of(await elections.get(f"{API}{path}", headers=actors.reader), 404, slug)


async def test_an_elections_parties_and_counting_districts_are_listed(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, parties=2)
    parties = await elections.get(f"{API}/elections/{setup.election_id}/parties", headers=actors.reader)
    assert [party["id"] for party in parties.json()["items"]] == setup.party_ids
    assert [party["name"] for party in parties.json()["items"]] == ["党1", "党2"]
    districts = await elections.get(
        f"{API}/elections/{setup.election_id}/counting-districts", headers=actors.reader
    )
    assert [district["name"] for district in districts.json()["items"]] == ["千代田開票区"]
