"""Corrections of contests, polling stations and candidates: If-Match, the same rules as creation,
and what freezes them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.elections.factories import API, CHIYODA, SAPPORO, Actors, build_roll, make_election, problem_of
from tests.elections.fake_registry import FakeRegistry, code, resident


async def read(client: httpx.AsyncClient, path: str, actors: Actors) -> tuple[dict[str, Any], str]:
    response = await client.get(API + path, headers=actors.reader)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, response.headers["etag"]


async def put(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], actors: Actors, etag: str | None
) -> httpx.Response:
    headers = dict(actors.admin)
    if etag is not None:
        headers["If-Match"] = etag
    return await client.put(API + path, json=body, headers=headers)


CONTEST = {"name": "本選挙", "kind": "mayor", "seats": 1, "local_government_codes": [CHIYODA]}


async def test_contest_correction(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors)
    path = f"/contests/{setup.contest_id}"
    contest, etag = await read(elections, path, actors)
    assert (contest["version"], etag) == (1, '"v1"')
    body = {**CONTEST, "name": "区長選挙", "kind": "municipal_assembly", "seats": 25}
    problem_of(await put(elections, path, body, actors, None), 428, "if-match-required")
    problem_of(await put(elections, path, body, actors, '"v9"'), 412, "etag-mismatch")
    problem_of(await put(elections, path, {**body, "seats": 0}, actors, etag), 422)
    problem_of(await put(elections, path, {**CONTEST, "seats": 2}, actors, etag), 422)  # a mayor is one seat
    response = await put(
        elections, path, {**body, "local_government_codes": [SAPPORO, CHIYODA]}, actors, etag
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"v2"'
    updated = response.json()
    assert (updated["name"], updated["seats"], updated["version"]) == ("区長選挙", 25, 2)
    assert updated["local_government_codes"] == [SAPPORO, CHIYODA]
    # The old ETag lost: the second writer gets 412 and changes nothing.
    problem_of(await put(elections, path, CONTEST, actors, etag), 412, "etag-mismatch")
    assert (await read(elections, path, actors))[0] == updated
    problem_of(await put(elections, "/contests/999999", CONTEST, actors, etag), 404, "contest-not-found")
    problem_of(await put(elections, "/contests/0", CONTEST, actors, etag), 422)


async def test_contest_name_is_unique_and_kind_fixed_with_candidates(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=1)
    other = await elections.post(
        f"{API}/elections/{setup.election_id}/contests",
        json={**CONTEST, "name": "補欠選挙"},
        headers=actors.admin,
    )
    path = f"/contests/{other.json()['id']}"
    _, etag = await read(elections, path, actors)
    problem_of(await put(elections, path, CONTEST, actors, etag), 409, "duplicate-contest")
    path = f"/contests/{setup.contest_id}"
    _, etag = await read(elections, path, actors)
    problem_of(
        await put(elections, path, {**CONTEST, "kind": "municipal_assembly"}, actors, etag),
        409,
        "contest-has-candidates",
    )
    assert (await read(elections, path, actors))[0]["kind"] == "mayor"


async def test_contest_is_frozen_once_tallies_exist(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    sheet = {
        "station_id": setup.station_ids[0],
        "votes": [{"candidate_id": c, "votes": "10"} for c in setup.candidate_ids],
        "invalid_ballots": 0,
        "blank_ballots": 0,
        "ballots_issued": 20,
        "unreturned_ballots": 0,
    }
    entered = await elections.post(
        f"{API}/contests/{setup.contest_id}/tally-entries", json=sheet, headers=actors.clerk()
    )
    assert entered.status_code in (200, 201), entered.text
    path = f"/contests/{setup.contest_id}"
    _, etag = await read(elections, path, actors)
    problem_of(await put(elections, path, {**CONTEST, "name": "別名"}, actors, etag), 409, "tallies-entered")


async def test_station_correction_reassigns_voters(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    registry.add(
        resident(1, line="丸の内1丁目1"), resident(2, line="丸の内2丁目1"), resident(3, line="大手町1-1")
    )
    await build_roll(elections, actors, setup.election_id)
    first, second = setup.station_ids
    path = f"/polling-stations/{first}"
    station, etag = await read(elections, path, actors)
    assert station["address_areas"] == ["丸の内1丁目"]
    body = {"name": "大手町投票所", "counting_district_id": setup.district_id, "address_areas": ["大手町"]}
    problem_of(await put(elections, path, body, actors, None), 428)
    problem_of(
        await put(elections, path, {**body, "address_areas": ["丸の内2丁目"]}, actors, etag),
        409,
        "address-area-taken",
    )
    problem_of(
        await put(elections, path, {**body, "address_areas": ["大手町", "大手町"]}, actors, etag),
        422,
        "duplicate-address-area",
    )
    problem_of(
        await put(elections, path, {**body, "counting_district_id": 999999}, actors, etag),
        422,
        "unknown-counting-district",
    )
    problem_of(
        await put(elections, path, {**body, "name": "第2投票所"}, actors, etag),
        409,
        "duplicate-polling-station",
    )
    response = await put(elections, path, body, actors, etag)
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    assert response.json()["address_areas"] == ["大手町"]

    async def station_of(n: int) -> int | None:
        got = await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(n)}", headers=actors.reader
        )
        value: int | None = got.json()["station_id"]
        return value

    assert await station_of(1) is None  # 丸の内1丁目 is no longer served
    assert await station_of(2) == second
    assert await station_of(3) == first
    # Keeping its own areas is not a clash with itself.
    again = await put(elections, path, {**body, "name": "大手町第一投票所"}, actors, '"v2"')
    assert again.status_code == 200, again.text
    problem_of(
        await put(elections, "/polling-stations/999999", body, actors, '"v1"'),
        404,
        "polling-station-not-found",
    )


async def test_station_stays_in_its_municipality(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors)
    district = await elections.post(
        f"{API}/elections/{setup.election_id}/counting-districts",
        json={"name": "札幌開票区", "local_government_code": SAPPORO},
        headers=actors.admin,
    )
    path = f"/polling-stations/{setup.station_ids[0]}"
    _, etag = await read(elections, path, actors)
    body = {"name": "札幌投票所", "counting_district_id": district.json()["id"], "address_areas": ["北1条"]}
    problem_of(await put(elections, path, body, actors, etag), 422, "station-municipality-fixed")


CANDIDATE = {"name": "候補 一", "kana": "コウホ ア", "birth_date": "1970-01-01", "deposit_yen": 1_000_000}


async def test_candidate_correction(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, candidates=2)
    first, second = setup.candidate_ids
    path = f"/candidates/{first}"
    candidate, etag = await read(elections, path, actors)
    assert candidate["version"] == 1
    body = {**CANDIDATE, "name": "候補 壱", "deposit_yen": 2_000_000}
    problem_of(await put(elections, path, body, actors, None), 428)
    problem_of(
        await put(elections, path, {**body, "birth_date": "2010-01-01"}, actors, etag),
        422,
        "invalid-candidacy",
    )
    problem_of(await put(elections, path, {**body, "party_id": 999999}, actors, etag), 422, "unknown-party")
    # The second candidate's person (kana and birth date) is taken.
    problem_of(
        await put(elections, path, {**body, "kana": "コウホ アア"}, actors, etag), 409, "duplicate-candidacy"
    )
    response = await put(elections, path, body, actors, etag)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["deposit_yen"], updated["version"]) == ("候補 壱", 2_000_000, 2)
    assert response.headers["etag"] == '"v2"'
    problem_of(await put(elections, path, body, actors, etag), 412)
    assert (await read(elections, f"/candidates/{second}", actors))[0]["version"] == 1
    problem_of(await put(elections, "/candidates/999999", body, actors, etag), 404, "candidate-not-found")
    problem_of(await elections.get(f"{API}/candidates/999999", headers=actors.reader), 404)


async def test_updates_need_the_admin_scope_and_are_audited(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, candidates=1)
    path = f"/candidates/{setup.candidate_ids[0]}"
    _, etag = await read(elections, path, actors)
    denied = await elections.put(
        API + path, json=CANDIDATE | {"name": "候補 弐"}, headers={**actors.reader, "If-Match": etag}
    )
    problem_of(denied, 403)
    assert (await put(elections, path, {**CANDIDATE, "name": "候補 弐"}, actors, etag)).status_code == 200
    log = await elections.get(
        f"{API}/audit-log",
        params={"election_id": setup.election_id, "page_size": 100},
        headers=actors.supervisor,
    )
    assert log.status_code == 200, log.text
    assert "candidate.updated" in {record["action"] for record in log.json()["items"]}
