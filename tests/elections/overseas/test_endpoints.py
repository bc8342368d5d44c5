"""The overseas roll through the API, with the registry (behind the gateway) giving the move abroad.

Hand-computed: Chiyoda's overseas roll numbers its entries 1, 2, ... apart from the domestic roll; a
national election polling today has two overseas electors of Chiyoda; one votes at a consulate:
overseas turnout 1 / 2 = 50.00%, and the domestic figures do not count that vote.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.elections.roll.eligibility import add_months
from shared.contracts.registry import EventType, ResidencePeriod, ResidentStatus
from shared.values import JST
from tests.elections.factories import (
    API,
    CHIYODA,
    Actors,
    build_roll,
    dates_around,
    make_election,
    problem_of,
)
from tests.elections.fake_registry import FakeRegistry, code, resident

APPLICATIONS = f"{API}/overseas-applications"
ENTRIES = f"{API}/overseas-roll/entries"
NATIONAL = "house_of_representatives_district"


def today() -> date:
    return datetime.now(JST).date()


def emigrated(registry: FakeRegistry, n: int, *, moved: date, since: date = date(2000, 1, 1)) -> None:
    """Resident n lived in Chiyoda from `since` and moved abroad on `moved`."""
    period = ResidencePeriod(
        local_government_code=CHIYODA,
        address_lines=["丸の内1丁目1"],
        from_date=since,
        to_date=moved,
        reason=EventType.MOVE_IN,
        ended_by=EventType.MOVE_OUT,
    )
    person = resident(n, history=[period], status=ResidentStatus.MOVED_OUT, status_since=moved)
    registry.add(person)
    registry.record(EventType.MOVE_OUT, person, effective=moved, to_abroad=True, from_code=CHIYODA)


def consulate(n: int, abroad_since: date) -> dict[str, Any]:
    return {
        "resident_code": code(n),
        "channel": "consulate",
        "country_code": "US",
        "mission": "在ニューヨーク日本国総領事館",
        "abroad_since": abroad_since.isoformat(),
    }


async def apply(elections: httpx.AsyncClient, actors: Actors, body: dict[str, Any]) -> dict[str, Any]:
    response = await elections.post(APPLICATIONS, json=body, headers=actors.admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def two_abroad(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> list[dict[str, Any]]:
    moved = add_months(today(), -5)
    emigrated(registry, 1, moved=moved)
    emigrated(registry, 2, moved=today() - timedelta(days=10))
    first = await apply(elections, actors, consulate(1, moved))
    second = await apply(
        elections, actors, {"resident_code": code(2), "channel": "move_abroad", "country_code": "DE"}
    )
    return [first, second]


async def test_registration_on_the_last_municipality_with_its_own_numbering(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    first, second = await two_abroad(elections, actors, registry)
    assert (first["state"], first["local_government_code"]) == ("registered", CHIYODA)
    assert all(r["satisfied"] for r in first["reasons"])
    assert second["state"] == "registered", second
    entries = (
        await elections.get(ENTRIES, params={"local_government_code": CHIYODA}, headers=actors.reader)
    ).json()
    numbers = [(e["resident_code"], e["number"], e["roll_number"], e["channel"]) for e in entries["items"]]
    assert numbers == [
        (code(1), 1, f"在外{CHIYODA}-000001", "consulate"),
        (code(2), 2, f"在外{CHIYODA}-000002", "move_abroad"),
    ]
    assert first["entry_id"] == entries["items"][0]["id"]
    # The registry was read through the gateway with the overseas roll's purpose.
    assert any("在外選挙人名簿" in purpose for purpose in registry.purposes())
    # A second application of a registered person is refused, naming the entry.
    again = await apply(elections, actors, consulate(1, add_months(today(), -5)))
    assert again["state"] == "refused"
    assert [r["code"] for r in again["reasons"] if not r["satisfied"]] == ["not_on_overseas_roll"]
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    registered = [r["details"] for r in log if r["action"] == "overseas.registered"]
    assert [d["roll_number"] for d in registered] == [f"在外{CHIYODA}-000001", f"在外{CHIYODA}-000002"]
    refused = [r["details"]["failed"] for r in log if r["action"] == "overseas.refused"]
    assert refused == [["not_on_overseas_roll"]]


async def test_pending_until_three_months_abroad_and_refused_at_home(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    emigrated(registry, 3, moved=today() - timedelta(days=30))
    since = today() - timedelta(days=30)
    pending = await apply(elections, actors, consulate(3, since))
    assert (pending["state"], pending["registrable_on"], pending["entry_id"]) == (
        "pending",
        add_months(since, 3).isoformat(),
        None,
    )
    again = await elections.post(f"{APPLICATIONS}/{pending['id']}/decisions", headers=actors.admin)
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "pending"
    registry.add(resident(4, line="丸の内1丁目4"))  # lives in Chiyoda
    home = await apply(elections, actors, consulate(4, date(2020, 1, 1)))
    assert home["state"] == "refused"
    assert [r["code"] for r in home["reasons"] if not r["satisfied"]] == ["lives_abroad"]
    problem_of(
        await elections.post(f"{APPLICATIONS}/{home['id']}/decisions", headers=actors.admin),
        409,
        "application-decided",
    )
    problem_of(
        await elections.post(f"{APPLICATIONS}/999999/decisions", headers=actors.admin),
        404,
        "overseas-application-not-found",
    )
    assert (await elections.get(ENTRIES, headers=actors.reader)).json()["items"] == []


async def test_overseas_votes_in_national_elections_only_and_turnout_apart(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    await two_abroad(elections, actors, registry)
    registry.add(resident(5, line="丸の内1丁目5"))
    national = await make_election(elections, actors, kind=NATIONAL, stations=1, dates=dates_around(0))
    await build_roll(elections, actors, national.election_id)
    votes = f"{API}/elections/{national.election_id}/overseas-votes"
    cast = await elections.post(
        votes, json={"resident_code": code(1), "method": "consulate"}, headers=actors.clerk()
    )
    assert cast.status_code == 201, cast.text
    assert (cast.json()["method"], cast.json()["overseas_method"], cast.json()["station_id"]) == (
        "absentee",
        "consulate",
        None,
    )
    problem_of(
        await elections.post(
            votes, json={"resident_code": code(1), "method": "post"}, headers=actors.clerk()
        ),
        409,
        "already-voted",
    )
    problem_of(
        await elections.post(
            votes, json={"resident_code": code(5), "method": "post"}, headers=actors.clerk()
        ),
        422,
        "not-on-overseas-roll",
    )
    problem_of(
        await elections.post(
            votes, json={"resident_code": code(2), "method": "by_pigeon"}, headers=actors.clerk()
        ),
        422,
        "validation-failed",
    )
    problem_of(await elections.post(votes, json={"resident_code": code(2), "method": "post"}), 401)
    assert (
        await elections.post(
            f"{API}/elections/{national.election_id}/check-ins",
            json={"resident_code": code(5), "method": "ordinary", "station_id": national.station_ids[0]},
            headers=actors.clerk(),
        )
    ).status_code == 201
    # Resident 2 moved abroad ten days ago: still on the domestic roll by the four-month rule, but the
    # transfer to the overseas roll (art. 30-4(2)) took them off it.
    transferred = problem_of(
        await elections.post(
            f"{API}/elections/{national.election_id}/check-ins",
            json={"resident_code": code(2), "method": "ordinary", "station_id": national.station_ids[0]},
            headers=actors.clerk(),
        ),
        422,
        "not-on-roll",
    )
    assert transferred["overseas_entry_id"] is not None
    turnout = (await elections.get(f"{API}/elections/{national.election_id}/turnout")).json()
    assert turnout["overseas"] == {
        "electors": 2,
        "voters": 1,
        "turnout_percent": "50.00",
        "by_method": {"consulate": 1, "post": 0, "in_japan": 0},
    }
    assert turnout["by_method"] == {"ordinary": 1, "early": 0, "absentee": 0}
    assert turnout["by_sex"]["total"]["electors"] == 1
    station = (
        await elections.get(
            f"{API}/elections/{national.election_id}/turnout", params={"station_id": national.station_ids[0]}
        )
    ).json()
    assert station["overseas"] is None
    elsewhere = (
        await elections.get(
            f"{API}/elections/{national.election_id}/turnout", params={"local_government_code": "011002"}
        )
    ).json()
    assert elsewhere["overseas"]["electors"] == 0

    local = await make_election(elections, actors, kind="mayor", stations=1, dates=dates_around(0))
    problem_of(
        await elections.post(
            f"{API}/elections/{local.election_id}/overseas-votes",
            json={"resident_code": code(2), "method": "post"},
            headers=actors.clerk(),
        ),
        422,
        "not-a-national-election",
    )
    assert (await elections.get(f"{API}/elections/{local.election_id}/turnout")).json()["overseas"] is None


async def test_an_overseas_voter_whose_vote_is_suspended_is_refused(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    await two_abroad(elections, actors, registry)
    national = await make_election(elections, actors, kind=NATIONAL, stations=1, dates=dates_around(0))
    notice = {
        "resident_code": code(2),
        "basis": "political_funds_offence",
        "from_date": (today() - timedelta(days=1)).isoformat(),
        "until_date": None,
        "source_local_government_code": CHIYODA,
        "document_reference": "通知第3号",
    }
    assert (await elections.post(f"{API}/suspensions", json=notice, headers=actors.admin)).status_code == 201
    problem = problem_of(
        await elections.post(
            f"{API}/elections/{national.election_id}/overseas-votes",
            json={"resident_code": code(2), "method": "in_japan"},
            headers=actors.clerk(),
        ),
        422,
        "voting-rights-suspended",
    )
    assert problem["article"] == "政治資金規正法第28条"


async def test_review_removes_on_death_and_four_months_after_returning(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    first, second = await two_abroad(elections, actors, registry)
    review_first = f"{ENTRIES}/{first['entry_id']}/reviews"
    unchanged = await elections.post(review_first, headers=actors.admin)
    assert (unchanged.json()["removed_on"], unchanged.json()["returned_on"]) == (None, None)
    # Resident 1 came back three months ago: marked, not removed yet.
    back_on = add_months(today(), -3)
    person = registry.residents[code(1)]
    registry.record(EventType.MOVE_IN, person, effective=back_on, from_abroad=True, to_code=CHIYODA)
    marked = (await elections.post(review_first, headers=actors.admin)).json()
    assert (marked["returned_on"], marked["removed_on"]) == (back_on.isoformat(), None)
    # Resident 2 died.
    registry.add(registry.residents[code(2)].model_copy(update={"status": ResidentStatus.DECEASED}))
    removed = (await elections.post(f"{ENTRIES}/{second['entry_id']}/reviews", headers=actors.admin)).json()
    assert (removed["removed_on"], removed["removal_reason"]) == (today().isoformat(), "deceased")
    problem_of(
        await elections.post(f"{ENTRIES}/{second['entry_id']}/reviews", headers=actors.admin),
        409,
        "overseas-entry-removed",
    )
    problem_of(
        await elections.post(f"{ENTRIES}/999999/reviews", headers=actors.admin),
        404,
        "overseas-entry-not-found",
    )
    problem_of(await elections.post(review_first, headers=actors.clerk()), 403)
    log = (await elections.get(f"{API}/audit-log", headers=actors.supervisor)).json()["items"]
    assert [r["details"]["removal_reason"] for r in log if r["action"] == "overseas.entry_removed"] == [
        "deceased"
    ]
    assert [r["details"]["returned_on"] for r in log if r["action"] == "overseas.entry_marked"] == [
        back_on.isoformat()
    ]


async def test_four_months_after_the_return_the_entry_goes(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    first, _ = await two_abroad(elections, actors, registry)
    back_on = add_months(today(), -4)
    registry.record(
        EventType.MOVE_IN, registry.residents[code(1)], effective=back_on, from_abroad=True, to_code=CHIYODA
    )
    removed = (await elections.post(f"{ENTRIES}/{first['entry_id']}/reviews", headers=actors.admin)).json()
    assert (removed["removal_reason"], removed["returned_on"]) == ("returned_to_japan", back_on.isoformat())
    # Off the roll: the person may apply again once abroad again, and the old number is not reused.
    entries = (await elections.get(ENTRIES, headers=actors.reader)).json()["items"]
    assert [e["number"] for e in entries] == [1, 2]


async def test_concurrent_registrations_take_distinct_numbers(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    moved = add_months(today(), -6)
    for n in range(11, 15):
        emigrated(registry, n, moved=moved)
    responses = await asyncio.gather(
        *(elections.post(APPLICATIONS, json=consulate(n, moved), headers=actors.admin) for n in range(11, 15))
    )
    assert all(r.status_code == 201 and r.json()["state"] == "registered" for r in responses), [
        r.text for r in responses
    ]
    entries = (await elections.get(ENTRIES, headers=actors.reader)).json()["items"]
    assert sorted(e["number"] for e in entries) == [1, 2, 3, 4]


async def test_reads_need_a_purpose_and_are_logged(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    first, _ = await two_abroad(elections, actors, registry)
    problem_of(await elections.get(ENTRIES, headers=actors.as_("elections:read")), 400, "purpose-required")
    got = await elections.get(f"{ENTRIES}/{first['entry_id']}", headers=actors.reader)
    assert got.status_code == 200, got.text
    application = await elections.get(f"{APPLICATIONS}/{first['id']}", headers=actors.reader)
    assert application.json()["state"] == "registered"
    operations = [op for _, _, op, c in registry.reads_logged() if c == code(1)]
    assert operations == ["elections_get_overseas_entry", "elections_get_overseas_application"]
    problem_of(
        await elections.get(f"{ENTRIES}/999999", headers=actors.reader), 404, "overseas-entry-not-found"
    )
    problem_of(
        await elections.get(f"{APPLICATIONS}/999999", headers=actors.reader),
        404,
        "overseas-application-not-found",
    )
    registry.outage = lambda request: request.url.path.endswith("/access-log/entries")
    problem_of(await elections.get(ENTRIES, headers=actors.reader), 503, "access-log-unavailable")


@pytest.mark.parametrize(
    "change",
    [
        {"mission": None},  # a consulate application names its mission
        {"abroad_since": None},
        {"channel": "embassy_by_fax"},  # unknown enum value
        {"country_code": "usa"},
        {"resident_code": "12345678901"},
        {"channel": "move_abroad"},  # with abroad_since
    ],
)
async def test_bad_applications_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, change: dict[str, Any]
) -> None:
    emigrated(registry, 1, moved=date(2020, 1, 1))
    body = {**consulate(1, date(2020, 1, 1)), **change}
    problem_of(await elections.post(APPLICATIONS, json=body, headers=actors.admin), 422, "validation-failed")
    assert (await elections.get(ENTRIES, headers=actors.reader)).json()["items"] == []


async def test_unknown_residents_and_registry_outages_change_nothing(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    problem_of(
        await elections.post(APPLICATIONS, json=consulate(77, date(2020, 1, 1)), headers=actors.admin),
        404,
        "resident-not-found",
    )
    emigrated(registry, 1, moved=date(2020, 1, 1))
    registry.outage = lambda request: request.url.path.startswith("/registry/v1/residents")
    problem_of(
        await elections.post(APPLICATIONS, json=consulate(1, date(2020, 1, 1)), headers=actors.admin),
        502,
        "registry-unavailable",
    )
    problem_of(await elections.post(APPLICATIONS, json=consulate(1, date(2020, 1, 1))), 401)
    problem_of(
        await elections.post(APPLICATIONS, json=consulate(1, date(2020, 1, 1)), headers=actors.clerk()), 403
    )
    registry.outage = None
    assert (await elections.get(ENTRIES, headers=actors.reader)).json()["items"] == []
