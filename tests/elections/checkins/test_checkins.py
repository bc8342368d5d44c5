"""Check-ins: one vote per voter per election, enforced by the database, and the supervisor's undo."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.elections.factories import API, Actors, Setup, build_roll, dates_around, make_election, problem_of
from tests.elections.fake_registry import FakeRegistry, code, resident


async def ready(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, polling_in_days: int = 0
) -> Setup:
    setup = await make_election(elections, actors, stations=2, dates=dates_around(polling_in_days))
    registry.add(
        resident(1, line="丸の内1丁目1"), resident(2, line="丸の内2丁目1"), resident(3, nationality="US")
    )
    built = await build_roll(elections, actors, setup.election_id)
    assert built["voters"] == 2
    return setup


def body(n: int, station_id: int | None, method: str = "ordinary") -> dict[str, object]:
    return {"resident_code": code(n), "method": method, "station_id": station_id}


async def test_second_check_in_anywhere_is_refused(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    first = await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.clerk("a"))
    assert first.status_code == 201, first.text
    assert first.json()["clerk_id"] == "a"
    again = await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.clerk("b"))
    problem = problem_of(again, 409, "already-voted")
    assert problem["check_in_id"] == first.json()["id"]


async def test_simultaneous_check_ins_exactly_one_wins(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    station = setup.station_ids[0]
    attempts = [
        elections.post(path, json=body(1, station), headers=actors.clerk(f"clerk-{n}")) for n in range(6)
    ]
    responses = await asyncio.gather(*attempts)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    listed = await elections.get(path, params={"resident_code": code(1)}, headers=actors.reader)
    assert len(listed.json()["items"]) == 1


async def test_undo_allows_a_new_check_in_and_is_audited(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    first = (await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.clerk())).json()
    undo_path = f"{path}/{first['id']}/undo"
    problem_of(await elections.post(undo_path, json={"reason": "wrong voter"}, headers=actors.clerk()), 403)
    problem_of(await elections.post(undo_path, json={"reason": ""}, headers=actors.supervisor), 422)
    undone = await elections.post(
        undo_path, json={"reason": "clerk picked the wrong line"}, headers=actors.supervisor
    )
    assert undone.status_code == 200, undone.text
    assert undone.json()["undone_by"] == "supervisor"
    problem_of(
        await elections.post(undo_path, json={"reason": "again"}, headers=actors.supervisor),
        409,
        "already-undone",
    )
    second = await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.clerk())
    assert second.status_code == 201
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    undo_records = [r for r in log if r["action"] == "check_in.undone"]
    assert undo_records[0]["details"]["reason"] == "clerk picked the wrong line"
    assert undo_records[0]["actor"] == "supervisor"
    problem_of(
        await elections.post(f"{path}/999999/undo", json={"reason": "none"}, headers=actors.supervisor),
        404,
        "check-in-not-found",
    )


async def test_idempotent_retry_returns_the_first_check_in(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    headers = {**actors.clerk(), "Idempotency-Key": "ci-1"}
    first = await elections.post(path, json=body(2, setup.station_ids[1]), headers=headers)
    retry = await elections.post(path, json=body(2, setup.station_ids[1]), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()


@pytest.mark.parametrize(
    ("n", "station_index", "method", "status", "slug"),
    [
        (3, 0, "ordinary", 422, "not-on-roll"),
        (99, 0, "ordinary", 422, "not-on-roll"),
        (1, 1, "ordinary", 422, "wrong-station"),
        (1, None, "ordinary", 422, "station-required"),
        (1, 0, "early", 422, "voting-closed"),
        (1, 0, "absentee", 422, "voting-closed"),
        (1, 0, "proxy", 422, "validation-failed"),
    ],
)
async def test_refused_check_ins_change_nothing(
    elections: httpx.AsyncClient,
    actors: Actors,
    registry: FakeRegistry,
    n: int,
    station_index: int | None,
    method: str,
    status: int,
    slug: str,
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    station = None if station_index is None else setup.station_ids[station_index]
    problem_of(
        await elections.post(path, json=body(n, station, method), headers=actors.clerk()), status, slug
    )
    assert (await elections.get(path, headers=actors.reader)).json()["items"] == []


async def test_malformed_and_unauthorised(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    problem_of(
        await elections.post(
            path,
            json={**body(1, setup.station_ids[0]), "resident_code": "12345678901"},
            headers=actors.clerk(),
        ),
        422,
    )
    problem_of(
        await elections.post(
            path, content=b"{", headers={**actors.clerk(), "content-type": "application/json"}
        ),
        400,
    )
    problem_of(await elections.post(path, json=body(1, setup.station_ids[0])), 401)
    problem_of(await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.reader), 403)
    problem_of(
        await elections.post(f"{API}/elections/999/check-ins", json=body(1, 1), headers=actors.clerk()), 404
    )


async def test_early_and_absentee_before_polling_day(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry, polling_in_days=3)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    problem_of(
        await elections.post(path, json=body(1, setup.station_ids[0]), headers=actors.clerk()),
        422,
        "voting-closed",
    )
    early = await elections.post(path, json=body(1, setup.station_ids[1], "early"), headers=actors.clerk())
    assert early.status_code == 201, early.text
    problem_of(
        await elections.post(path, json=body(2, setup.station_ids[0], "absentee"), headers=actors.clerk()),
        422,
        "absentee-station",
    )
    absentee = await elections.post(path, json=body(2, None, "absentee"), headers=actors.clerk())
    assert absentee.status_code == 201
    problem_of(
        await elections.post(path, json=body(1, None, "absentee"), headers=actors.clerk()),
        409,
        "already-voted",
    )


async def test_dates_freeze_once_voting_started(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry)
    await elections.post(
        f"{API}/elections/{setup.election_id}/check-ins",
        json=body(1, setup.station_ids[0]),
        headers=actors.clerk(),
    )
    path = f"{API}/elections/{setup.election_id}"
    current = (await elections.get(path, headers=actors.reader)).json()
    moved = {
        "name": current["name"],
        "announcement_date": current["announcement_date"],
        "polling_day": current["polling_day"],
        "reference_date": "2000-01-01",
    }
    response = await elections.put(path, json=moved, headers={**actors.admin, "If-Match": '"v1"'})
    problem_of(response, 409, "voting-started")
    renamed = {**moved, "reference_date": current["reference_date"], "name": "改名"}
    assert (
        await elections.put(path, json=renamed, headers={**actors.admin, "If-Match": '"v1"'})
    ).status_code == 200


async def test_a_station_outside_the_election_or_an_unknown_election_is_refused(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry, polling_in_days=3)
    other = await make_election(elections, actors, stations=1, dates=dates_around(3))
    path = f"{API}/elections/{setup.election_id}/check-ins"
    for station in (other.station_ids[0], 999_999):
        problem_of(
            await elections.post(path, json=body(1, station, "early"), headers=actors.clerk()),
            422,
            "unknown-station",
        )
    unknown = f"{API}/elections/999999/check-ins"
    problem_of(
        await elections.post(unknown, json=body(1, setup.station_ids[0], "early"), headers=actors.clerk()),
        404,
        "election-not-found",
    )
    problem_of(await elections.get(unknown, headers=actors.reader), 404, "election-not-found")
    assert (await elections.get(path, headers=actors.reader)).json()["items"] == []


async def test_a_check_in_and_its_undo_are_read_back_as_recorded(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await ready(elections, actors, registry, polling_in_days=3)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    created = await elections.post(
        path, json=body(1, setup.station_ids[0], "early"), headers=actors.clerk("a")
    )
    assert created.status_code == 201, created.text
    check_in = created.json()
    assert check_in["undone_at"] is None
    assert check_in["clerk_id"] == "a"
    read = await elections.get(f"{path}/{check_in['id']}", headers=actors.reader)
    assert read.json() == check_in
    undone = await elections.post(
        f"{path}/{check_in['id']}/undo", json={"reason": "wrong voter"}, headers=actors.supervisor
    )
    assert undone.status_code == 200, undone.text
    assert undone.json()["undone_by"] == "supervisor"
    assert undone.json()["undone_at"] is not None
    assert (await elections.get(f"{path}/{check_in['id']}", headers=actors.reader)).json() == undone.json()
    problem_of(
        await elections.get(f"{API}/elections/999999/check-ins/{check_in['id']}", headers=actors.reader),
        404,
        "check-in-not-found",
    )
