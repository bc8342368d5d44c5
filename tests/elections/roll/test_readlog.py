"""Every read of the roll is logged in the registry's access log before it is served, or not served."""

from __future__ import annotations

import httpx
import pytest

from tests.elections.factories import API, ROLL_PURPOSE, Actors, build_roll, make_election, problem_of
from tests.elections.fake_registry import FakeRegistry, code
from tests.elections.roll.test_roll import population

EXPLAIN, VOTERS = "elections_explain_roll_decision", "elections_list_voters"


async def built(elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry) -> int:
    setup = await make_election(elections, actors)
    population(registry)
    await build_roll(elections, actors, setup.election_id)
    registry.logged.clear()
    return setup.election_id


async def test_single_and_paged_reads_are_logged_per_resident(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    election_id = await built(elections, actors, registry)
    reader = {
        **actors.as_("elections:read", client_id="ballot-mailer"),
        "X-Purpose": actors.reader["X-Purpose"],
    }
    response = await elections.get(f"{API}/elections/{election_id}/roll/residents/{code(3)}", headers=reader)
    assert response.status_code == 200
    assert registry.reads_logged() == [("ballot-mailer", ROLL_PURPOSE, EXPLAIN, code(3))]
    registry.logged.clear()
    first = await elections.get(
        f"{API}/elections/{election_id}/roll/voters", params={"page_size": 3}, headers=reader
    )
    second = await elections.get(
        f"{API}/elections/{election_id}/roll/voters",
        params={"page_size": 3, "page_token": first.json()["next_page_token"]},
        headers=reader,
    )
    served = [voter["resident_code"] for page in (first, second) for voter in page.json()["items"]]
    assert len(served) == 5
    assert registry.reads_logged() == [
        ("ballot-mailer", ROLL_PURPOSE, VOTERS, resident) for resident in served
    ]
    assert [len(entries.reads) for entries in registry.logged] == [3, 2]
    assert all(
        [item.value for item in read.items] == ["basic", "address"]
        for e in registry.logged
        for read in e.reads
    )


async def test_a_read_that_is_not_served_is_not_logged(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    election_id = await built(elections, actors, registry)
    problem_of(
        await elections.get(
            f"{API}/elections/{election_id}/roll/residents/{code(99)}", headers=actors.reader
        ),
        404,
        "resident-not-examined",
    )
    empty = await elections.get(
        f"{API}/elections/{election_id}/roll/voters", params={"station_id": 999}, headers=actors.reader
    )
    assert empty.json()["items"] == []
    assert registry.logged == []


@pytest.mark.parametrize("purpose", [None, "", "%E3"])
async def test_a_roll_read_needs_a_purpose(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, purpose: str | None
) -> None:
    election_id = await built(elections, actors, registry)
    headers = actors.as_("elections:read")
    if purpose is not None:
        headers["X-Purpose"] = purpose
    for path in (f"roll/residents/{code(1)}", "roll/voters"):
        problem_of(
            await elections.get(f"{API}/elections/{election_id}/{path}", headers=headers),
            400,
            "purpose-required",
        )
    assert registry.logged == []


async def test_a_read_whose_log_cannot_be_written_is_not_served(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry
) -> None:
    election_id = await built(elections, actors, registry)
    registry.outage = lambda request: request.url.path == "/registry/v1/access-log/entries"
    for path in (f"roll/residents/{code(1)}", "roll/voters"):
        response = await elections.get(f"{API}/elections/{election_id}/{path}", headers=actors.reader)
        problem_of(response, 503, "access-log-unavailable")
        assert "birth_date" not in response.text
        assert "on_roll" not in response.text
