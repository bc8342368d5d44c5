"""The roll built from a (fake) registry through the gateway, explained, and kept current by the feed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.elections.tables import roll_builds
from shared.contracts.registry import EventType, ResidencePeriod, ResidentStatus
from shared.values import Sex
from tests.elections.factories import (
    API,
    CHIYODA,
    SAPPORO,
    Actors,
    build_roll,
    ended,
    make_election,
    problem_of,
)
from tests.elections.fake_registry import FakeRegistry, code, resident

# ELECTION: polling day 2026-07-05, reference date 2026-06-27 (three months before: 2026-03-27).


def population(registry: FakeRegistry) -> None:
    registry.add(
        resident(1, line="丸の内1丁目1-1"),
        resident(2, line="丸の内2丁目5", sex=Sex.MALE),
        resident(3, nationality="US"),
        resident(4, birth=date(2008, 7, 6)),  # 18 on 5 July: the day before the birthday
        resident(5, birth=date(2008, 7, 7)),  # 18 only on 6 July
        resident(6, since=date(2026, 3, 27)),  # exactly three months
        resident(7, since=date(2026, 3, 28)),
        resident(8, status=ResidentStatus.DECEASED, status_since=date(2026, 1, 1)),
        resident(9, line="神田1-1"),  # no station serves this area
    )


async def test_build_explains_every_decision(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    build = await build_roll(elections, actors, setup.election_id)
    assert build["state"] == "succeeded", build
    assert build["residents_examined"] == 9
    assert build["voters"] == 5  # 1, 2, 4, 6, 9
    assert build["cursor"] == "0"

    async def decision(n: int) -> dict[str, Any]:
        got = await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(n)}", headers=actors.reader
        )
        assert got.status_code == 200, got.text
        result: dict[str, Any] = got.json()
        return result

    first = await decision(1)
    assert first["on_roll"] is True
    assert first["station_id"] == setup.station_ids[0]
    assert {r["code"] for r in first["reasons"]} == {
        "japanese_national",
        "age_18_on_polling_day",
        "resident_3_months",
    }
    assert (await decision(2))["station_id"] == setup.station_ids[1]
    assert (await decision(9))["station_id"] is None
    for n, reason in [
        (3, "not_japanese_national"),
        (5, "under_18_on_polling_day"),
        (7, "resident_less_than_3_months"),
        (8, "deceased"),
    ]:
        result = await decision(n)
        assert result["on_roll"] is False
        assert reason in {r["code"] for r in result["reasons"] if not r["satisfied"]}
    problem_of(
        await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(99)}", headers=actors.reader
        ),
        404,
        "resident-not-examined",
    )
    problem_of(
        await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/12345", headers=actors.reader
        ),
        422,
    )

    voters = await elections.get(
        f"{API}/elections/{setup.election_id}/roll/voters", params={"page_size": 2}, headers=actors.reader
    )
    page = voters.json()
    assert len(page["items"]) == 2
    assert page["next_page_token"]


async def test_registry_reads_carry_credentials_and_purpose(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    await build_roll(elections, actors, setup.election_id)
    token_requests = [r for r in registry.requests if r.url.path == "/oauth/token"]
    assert len(token_requests) == 1
    assert (
        b"registry%3Ahistory" in token_requests[0].content or b"registry:history" in token_requests[0].content
    )
    extracts = [r for r in registry.requests if r.url.path == "/registry/v1/residents"]
    assert len(extracts) == 5  # nine residents in pages of two: bulk, not one call per person
    assert registry.purposes() == {"jichi:purpose:election-roll 選挙人名簿の調製 (公職選挙法第19条・第22条)"}


async def test_feed_keeps_the_roll_current(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    await build_roll(elections, actors, setup.election_id)
    # 1 dies; 2 moves to Sapporo on 2026-06-01 (kept on the old roll); 3 naturalises.
    registry.record(
        EventType.DEATH,
        resident(1, status=ResidentStatus.DECEASED, status_since=date(2026, 6, 20)),
        effective=date(2026, 6, 20),
    )
    moved = resident(
        2,
        sex=Sex.MALE,
        history=[
            ResidencePeriod(
                local_government_code=CHIYODA,
                address_lines=["丸の内2丁目5"],
                from_date=date(2000, 1, 1),
                to_date=date(2026, 6, 1),
                reason=EventType.MOVE_IN,
            ),
            ResidencePeriod(
                local_government_code=SAPPORO,
                address_lines=["北1条"],
                from_date=date(2026, 6, 1),
                reason=EventType.MOVE_IN,
            ),
        ],
    )
    registry.record(EventType.MOVE_OUT, moved, effective=date(2026, 6, 1), from_code=CHIYODA, to_code=SAPPORO)
    registry.record(EventType.NATIONALITY_CHANGE, resident(3), effective=date(2026, 6, 2))
    registry.record(
        EventType.MOVE_IN, resident(50, municipality=SAPPORO), effective=date(2026, 6, 2), to_code=SAPPORO
    )
    synced = await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin)
    assert synced.status_code == 200, synced.text
    assert synced.json()["events_applied"] == 4
    assert synced.json()["residents_redecided"] == 3
    assert synced.json()["cursor"] == "4"

    async def on_roll(n: int) -> tuple[bool, set[str]]:
        got = (
            await elections.get(
                f"{API}/elections/{setup.election_id}/roll/residents/{code(n)}", headers=actors.reader
            )
        ).json()
        return got["on_roll"], {r["code"] for r in got["reasons"]}

    assert (await on_roll(1))[0] is False
    assert await on_roll(2) == (True, {"japanese_national", "age_18_on_polling_day", "kept_after_move_out"})
    assert (await on_roll(3))[0] is True
    again = await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin)
    assert again.json()["events_applied"] == 0
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    assert [r["action"] for r in log][-3:] == ["roll.built", "roll.synced", "roll.synced"]


async def test_sync_before_build_is_refused(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors)
    problem_of(
        await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin),
        409,
        "roll-not-built",
    )


async def test_registry_down_fails_the_build_and_keeps_the_previous_roll(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    first = await build_roll(elections, actors, setup.election_id)
    assert first["state"] == "succeeded"
    registry.add(resident(10, line="丸の内1丁目9"))
    registry.outage = lambda r: (
        r.url.path == "/registry/v1/residents" and bool(r.url.params.get("page_token"))
    )
    failed = await build_roll(elections, actors, setup.election_id)
    assert failed["state"] == "failed"
    assert failed["problem"]["type"] == "urn:jichi:problem:registry-unavailable"
    assert failed["problem"]["status"] == 502
    assert failed["finished_at"] is not None
    voters = await elections.get(
        f"{API}/elections/{setup.election_id}/roll/voters", params={"page_size": 100}, headers=actors.reader
    )
    assert len(voters.json()["items"]) == first["voters"]
    problem_of(
        await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(10)}", headers=actors.reader
        ),
        404,
        "resident-not-examined",
    )
    # The failed build freed the election: the next one runs once the registry is back.
    registry.outage = None
    again = await build_roll(elections, actors, setup.election_id)
    assert again["state"] == "succeeded"
    assert again["residents_examined"] == first["residents_examined"] + 1


async def test_build_is_a_job_resource(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    path = f"{API}/elections/{setup.election_id}/roll/builds"
    started = await elections.post(path, headers={**actors.admin, "Idempotency-Key": "build-1"})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["state"] in ("queued", "running", "succeeded")
    assert job["registration"] == "election_time"
    assert job["reference_date"] == "2026-06-27"
    assert job["age_date"] == "2026-07-05"
    assert job["requested_by"] == "commission"
    assert started.headers["location"] == f"{path}/{job['id']}"
    replay = await elections.post(path, headers={**actors.admin, "Idempotency-Key": "build-1"})
    assert replay.status_code == 202
    assert replay.json()["id"] == job["id"]
    first = await ended(elections, actors, started.headers["location"])
    assert first["state"] == "succeeded"
    assert first["voters"] == 5
    assert first["residents_examined"] == 9
    assert first["started_at"] <= first["finished_at"]
    again = await build_roll(elections, actors, setup.election_id)
    assert again["id"] != job["id"]
    problem_of(await elections.get(f"{path}/999999", headers=actors.reader), 404, "roll-build-not-found")
    problem_of(await elections.get(f"{path}/0", headers=actors.reader), 422)
    problem_of(await elections.get(f"{API}/elections/999999/roll/builds/1", headers=actors.reader), 404)
    problem_of(await elections.post(path, json={"registration": "whenever"}, headers=actors.admin), 422)
    problem_of(await elections.post(path, json={"extra": 1}, headers=actors.admin), 422)


async def test_a_second_build_while_one_runs_is_refused(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    gate = asyncio.Event()
    registry.delay = gate.wait
    path = f"{API}/elections/{setup.election_id}/roll/builds"
    first = await elections.post(path, headers=actors.admin)
    assert first.status_code == 202
    problem_of(await elections.post(path, headers=actors.admin), 409, "roll-build-in-progress")
    problem_of(
        await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin),
        409,
    )
    gate.set()
    job = await ended(elections, actors, first.headers["location"])
    assert job["state"] == "succeeded", job
    assert job["residents_examined"] == 9


async def test_roll_scopes(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors)
    problem_of(
        await elections.post(f"{API}/elections/{setup.election_id}/roll/builds", headers=actors.reader), 403
    )
    problem_of(await elections.get(f"{API}/elections/{setup.election_id}/roll/voters"), 401)


async def test_a_station_added_after_the_build_takes_its_voters(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    registry.add(resident(1, line="神田1-1"), resident(2, line="丸の内1丁目3番"), resident(3, line="神田_%1"))
    await build_roll(elections, actors, setup.election_id)
    station = await elections.post(
        f"{API}/elections/{setup.election_id}/polling-stations",
        json={
            "name": "神田投票所",
            "counting_district_id": setup.district_id,
            "address_areas": ["神田1", "丸の内1丁目3"],
        },
        headers=actors.admin,
    )
    assert station.status_code == 201, station.text
    new_id = station.json()["id"]

    async def station_of(n: int) -> int | None:
        got = await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(n)}", headers=actors.reader
        )
        result: int | None = got.json()["station_id"]
        return result

    assert await station_of(1) == new_id
    assert await station_of(2) == new_id  # the longer area wins over 丸の内1丁目
    assert await station_of(3) is None  # LIKE wildcards in addresses are literal


async def test_a_resident_the_registry_no_longer_shows_leaves_the_roll(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    await build_roll(elections, actors, setup.election_id)
    registry.record(EventType.CORRECTION, resident(1), effective=date(2026, 6, 1))
    del registry.residents[code(1)]
    synced = await elections.post(f"{API}/elections/{setup.election_id}/roll/syncs", headers=actors.admin)
    assert synced.json()["residents_redecided"] == 1
    got = (
        await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(1)}", headers=actors.reader
        )
    ).json()
    assert got["on_roll"] is False
    assert got["reasons"][0]["detail"] == "no longer visible in the registry"


async def test_build_asks_for_recent_leavers_and_keeps_them(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)

    def leaver(n: int, moved_out: date) -> None:
        history = [
            ResidencePeriod(
                local_government_code=CHIYODA,
                address_lines=["丸の内1丁目9"],
                from_date=date(2000, 1, 1),
                to_date=moved_out,
                reason=EventType.MOVE_IN,
            ),
            ResidencePeriod(
                local_government_code=SAPPORO,
                address_lines=["北1条"],
                from_date=moved_out,
                reason=EventType.MOVE_IN,
            ),
        ]
        registry.add(resident(n, history=history))

    leaver(1, date(2026, 5, 1))  # reference 2026-06-27: under four months, under three at the new address
    leaver(2, date(2026, 2, 26))  # four months passed on 2026-06-26: left out of the extract altogether
    built = await build_roll(elections, actors, setup.election_id)
    assert built["residents_examined"] == 1
    assert built["voters"] == 1
    extract = next(r for r in registry.requests if r.url.path == "/registry/v1/residents")
    assert extract.url.params["resided_since"] == "2026-02-27"
    got = (
        await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(1)}", headers=actors.reader
        )
    ).json()
    assert got["station_id"] == setup.station_ids[0]
    assert "kept_after_move_out" in {r["code"] for r in got["reasons"]}


async def test_periodic_registration_build(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    path = f"{API}/elections/{setup.election_id}/roll/builds"
    for body, slug in [
        ({"registration": "periodic"}, "registration-date-required"),
        ({"registration": "periodic", "registration_date": "2026-06-02"}, "not-a-periodic-registration-date"),
        ({"registration": "periodic", "registration_date": "2026-05-01"}, "not-a-periodic-registration-date"),
        (
            {"registration": "periodic", "registration_date": "2026-09-01"},
            "registration-after-reference-date",
        ),
        ({"registration_date": "2026-06-01"}, "registration-date-not-allowed"),
    ]:
        problem_of(await elections.post(path, json=body, headers=actors.admin), 422, slug)
    problem_of(
        await elections.post(
            path, json={"registration": "periodic", "registration_date": "2026-06-31"}, headers=actors.admin
        ),
        422,
    )
    build = await build_roll(
        elections, actors, setup.election_id, {"registration": "periodic", "registration_date": "2026-06-01"}
    )
    assert build["state"] == "succeeded", build
    assert (build["registration"], build["reference_date"], build["age_date"]) == (
        "periodic",
        "2026-06-01",
        "2026-06-01",
    )
    assert build["voters"] == 3  # 1, 2, 9: 4 is 18 only by polling day, 6 has three months only by June 27

    async def reasons(n: int) -> dict[str, bool]:
        got = await elections.get(
            f"{API}/elections/{setup.election_id}/roll/residents/{code(n)}", headers=actors.reader
        )
        return {r["code"]: r["satisfied"] for r in got.json()["reasons"]}

    assert reasons_are(await reasons(1), age_18_on_registration_date=True)
    assert reasons_are(await reasons(4), under_18_on_registration_date=False)
    assert reasons_are(await reasons(6), resident_less_than_3_months=False)
    # The election-time registration then adds those who qualify by the reference date and polling day.
    again = await build_roll(elections, actors, setup.election_id)
    assert again["voters"] == 5
    assert reasons_are(await reasons(4), age_18_on_polling_day=True)


def reasons_are(reasons: dict[str, bool], **expected: bool) -> bool:
    return all(reasons.get(code) is value for code, value in expected.items())


async def test_a_build_whose_worker_stopped_is_reported_failed_and_replaced(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, elections_db: str
) -> None:
    setup = await make_election(elections, actors)
    population(registry)
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    engine = create_async_engine(elections_db)
    async with engine.begin() as connection:
        await connection.execute(
            insert(roll_builds).values(
                election_id=setup.election_id,
                active_election_id=setup.election_id,
                state="running",
                registration="election_time",
                reference_date=date(2026, 6, 27),
                age_date=date(2026, 7, 5),
                residents_examined=3,
                voters=0,
                requested_by="commission",
                requested_at=long_ago,
                started_at=long_ago,
                heartbeat_at=long_ago,
            )
        )
        dead = (await connection.execute(select(roll_builds.c.id))).scalar_one()
    path = f"{API}/elections/{setup.election_id}/roll/builds"
    reported = (await elections.get(f"{path}/{dead}", headers=actors.reader)).json()
    assert reported["state"] == "failed"
    assert reported["problem"]["type"] == "urn:jichi:problem:roll-build-interrupted"
    fresh = await build_roll(elections, actors, setup.election_id)
    assert fresh["state"] == "succeeded"
    async with engine.connect() as connection:
        stored = (await connection.execute(select(roll_builds).where(roll_builds.c.id == dead))).one()
    await engine.dispose()
    assert (stored.state, stored.active_election_id) == ("failed", None)
