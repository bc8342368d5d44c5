"""Public turnout: by sex, method, age band, hour; per station, municipality and contest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx

from shared.values import JST, Sex
from tests.elections.factories import (
    API,
    CHIYODA,
    Actors,
    Setup,
    build_roll,
    dates_around,
    make_election,
    problem_of,
)
from tests.elections.fake_registry import FakeRegistry, code, resident


async def polling_today(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> Setup:
    setup = await make_election(elections, actors, stations=2, dates=dates_around(0))
    today = datetime.now(JST).date()
    registry.add(
        resident(1, line="丸の内1丁目1", sex=Sex.FEMALE, birth=date(1980, 1, 1)),
        resident(
            2,
            line="丸の内1丁目2",
            sex=Sex.MALE,
            birth=today.replace(year=today.year - 18) + timedelta(days=1),
        ),
        resident(3, line="丸の内2丁目1", sex=Sex.FEMALE, birth=date(1940, 1, 1)),
        resident(4, line="丸の内2丁目2", sex=Sex.NOT_KNOWN, birth=date(1990, 6, 1)),
    )
    built = await build_roll(elections, actors, setup.election_id)
    assert built["voters"] == 4, built
    for n, station in ((1, 0), (2, 0), (3, 1)):
        response = await elections.post(
            f"{API}/elections/{setup.election_id}/check-ins",
            json={"resident_code": code(n), "method": "ordinary", "station_id": setup.station_ids[station]},
            headers=actors.clerk(),
        )
        assert response.status_code == 201, response.text
    return setup


async def test_final_turnout(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> None:
    setup = await polling_today(elections, actors, registry)
    response = await elections.get(f"{API}/elections/{setup.election_id}/turnout")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "election"
    assert body["by_sex"]["total"] == {"electors": 4, "voters": 3, "turnout_percent": "75.00"}
    assert body["by_sex"]["female"] == {"electors": 2, "voters": 2, "turnout_percent": "100.00"}
    assert body["by_sex"]["male"]["voters"] == 1
    assert body["by_sex"]["other"] == {"electors": 1, "voters": 0, "turnout_percent": "0.00"}
    assert body["by_method"] == {"ordinary": 3, "early": 0, "absentee": 0}
    bands = {b["band"]: b["figure"] for b in body["by_age_band"]}
    assert bands["18"] == {
        "electors": 1,
        "voters": 1,
        "turnout_percent": "100.00",
    }  # 18 the day before the birthday
    assert bands["80+"]["voters"] == 1

    station = (
        await elections.get(
            f"{API}/elections/{setup.election_id}/turnout", params={"station_id": setup.station_ids[1]}
        )
    ).json()
    assert station["scope"] == f"station:{setup.station_ids[1]}"
    assert station["by_sex"]["total"] == {"electors": 2, "voters": 1, "turnout_percent": "50.00"}
    town = (
        await elections.get(
            f"{API}/elections/{setup.election_id}/turnout", params={"local_government_code": CHIYODA}
        )
    ).json()
    assert town["by_sex"]["total"]["voters"] == 3
    district = (
        await elections.get(
            f"{API}/elections/{setup.election_id}/turnout", params={"contest_id": setup.contest_id}
        )
    ).json()
    assert district["by_sex"]["total"]["electors"] == 4


async def test_hourly_turnout_counts_polling_day_voters_by_the_hour(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await polling_today(elections, actors, registry)
    checked = await elections.get(f"{API}/elections/{setup.election_id}/check-ins", headers=actors.reader)
    latest = max(
        datetime.fromisoformat(c["checked_in_at"].replace("Z", "+00:00")) for c in checked.json()["items"]
    )
    body = (await elections.get(f"{API}/elections/{setup.election_id}/turnout/hourly")).json()
    assert [h["as_of"] for h in body["hours"]][:2] == ["08:00", "09:00"]
    today = datetime.now(JST).date()
    for hour in body["hours"]:
        mark = datetime.combine(today, datetime.strptime(hour["as_of"], "%H:%M").time(), tzinfo=JST)
        expected = 3 if mark > latest else hour["by_sex"]["total"]["voters"]
        assert hour["by_sex"]["total"]["voters"] == expected
        assert hour["by_sex"]["total"]["electors"] == 4


async def test_early_and_absentee_are_not_in_the_hourly_figures(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    setup = await make_election(elections, actors, stations=1, dates=dates_around(2))
    registry.add(resident(1, line="丸の内1丁目1"), resident(2, line="丸の内1丁目2"))
    await build_roll(elections, actors, setup.election_id)
    path = f"{API}/elections/{setup.election_id}/check-ins"
    await elections.post(
        path,
        json={"resident_code": code(1), "method": "early", "station_id": setup.station_ids[0]},
        headers=actors.clerk(),
    )
    await elections.post(path, json={"resident_code": code(2), "method": "absentee"}, headers=actors.clerk())
    final = (await elections.get(f"{API}/elections/{setup.election_id}/turnout")).json()
    assert final["by_method"] == {"ordinary": 0, "early": 1, "absentee": 1}
    hourly = (await elections.get(f"{API}/elections/{setup.election_id}/turnout/hourly")).json()
    assert all(h["by_sex"]["total"]["voters"] == 0 for h in hourly["hours"])


async def test_turnout_refusals(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(elections, actors, stations=1)
    path = f"{API}/elections/{setup.election_id}/turnout"
    problem_of(
        await elections.get(
            path, params={"station_id": setup.station_ids[0], "contest_id": setup.contest_id}
        ),
        400,
        "one-scope",
    )
    problem_of(await elections.get(path, params={"station_id": 999999}), 404, "station-not-found")
    problem_of(await elections.get(path, params={"local_government_code": "131017"}), 422)
    problem_of(await elections.get(path, headers={"Authorization": "Bearer x"}), 401)
    problem_of(await elections.get(f"{API}/elections/999999/turnout"), 404)
    empty = (await elections.get(path)).json()
    assert empty["by_sex"]["total"] == {"electors": 0, "voters": 0, "turnout_percent": "0.00"}
