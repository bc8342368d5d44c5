"""Results after award: milestones and dated outcome figures reported by the municipality (the applying
system) or a reviewer, and published as open data without a token."""

from __future__ import annotations

from datetime import timedelta

import httpx

from services.revitalization.placements.service import today
from tests.revitalization.factories import (
    APPLY,
    REVIEW,
    FakeRegistry,
    cooperator_application,
    create,
    decide,
    headers,
    set_budget,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"


async def award(client: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry) -> tuple[int, str]:
    """A cooperator's award, made today, with the resident code of the person it pays."""
    await set_budget(client, tokens, 10_000_000)
    resident = registry.cooperator()
    created = await under_review(client, tokens, cooperator_application(resident))
    approved = await decide(client, tokens, created["id"], "approve", approved_amount=4_000_000)
    assert approved.status_code == 200, approved.text
    return int(created["id"]), resident


async def test_milestones_are_reported_then_achieved_once_with_if_match(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    application_id, _ = await award(revitalization, tokens, registry)
    url = f"{BASE}/applications/{application_id}/milestones"
    body = {"title": "空き家バンクの開設", "planned_date": "2025-03-31"}
    keyed = headers(tokens, APPLY, **{"Idempotency-Key": "milestone-1"})
    created = await revitalization.post(url, json=body, headers=keyed)
    replay = await revitalization.post(url, json=body, headers=keyed)
    assert created.status_code == replay.status_code == 201, created.text
    assert replay.json() == created.json()
    assert created.headers["ETag"] == '"v1"'
    milestone = created.json()
    assert (milestone["achieved_date"], milestone["reported_by"]) == (None, "muni-portal")

    achieve = f"{url}/{milestone['id']}/achievements"
    on = {"achieved_date": today().isoformat()}
    assert (await revitalization.post(achieve, json=on, headers=headers(tokens, APPLY))).status_code == 428
    stale = headers(tokens, APPLY, **{"If-Match": '"v7"'})
    assert (await revitalization.post(achieve, json=on, headers=stale)).status_code == 412
    tomorrow = {"achieved_date": (today() + timedelta(days=1)).isoformat()}
    current = headers(tokens, APPLY, **{"If-Match": '"v1"'})
    future = await revitalization.post(achieve, json=tomorrow, headers=current)
    assert future.json()["type"] == "urn:jichi:problem:date-in-future"
    done = await revitalization.post(achieve, json=on, headers=current)
    assert done.status_code == 200, done.text
    assert (done.json()["achieved_date"], done.headers["ETag"]) == (on["achieved_date"], '"v2"')
    again = await revitalization.post(
        achieve, json=on, headers=headers(tokens, APPLY, **{"If-Match": '"v2"'})
    )
    assert again.json()["type"] == "urn:jichi:problem:milestone-already-achieved"
    missing = await revitalization.post(f"{url}/999999/achievements", json=on, headers=current)
    assert missing.json()["type"] == "urn:jichi:problem:milestone-not-found"

    public = await revitalization.get(f"{BASE}/open-data/milestones")
    assert public.status_code == 200
    assert public.json()["items"] == [
        {
            "grant_id": f"360G-jichi-rev-{application_id}",
            "programme_code": "cooperators",
            "fiscal_year": 2024,
            "municipality_code": "032018",
            "title": "空き家バンクの開設",
            "planned_date": "2025-03-31",
            "achieved_date": on["achieved_date"],
        }
    ]


async def test_outcome_figures_are_dated_between_the_award_and_today(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    application_id, resident = await award(revitalization, tokens, registry)
    url = f"{BASE}/applications/{application_id}/outcomes"
    on = today().isoformat()
    review = headers(tokens, REVIEW, client_id="bureau")
    for indicator, value in (("jobs_created", 2), ("people_settled", 1), ("jobs_created", 3)):
        report = {"indicator": indicator, "value": value, "measured_on": on}
        created = await revitalization.post(url, json=report, headers=headers(tokens, APPLY))
        assert created.status_code == 201, created.text
    reviewer = await revitalization.post(
        url, json={"indicator": "residents_served", "value": 120, "measured_on": on}, headers=review
    )
    assert reviewer.json()["reported_by"] == "bureau"

    # The award was made today (JST): yesterday is before it, tomorrow has not come.
    yesterday = (today() - timedelta(days=1)).isoformat()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    for day, problem in ((yesterday, "before-award"), (tomorrow, "date-in-future")):
        refused = await revitalization.post(
            url, json={"indicator": "visitors", "value": 5, "measured_on": day}, headers=review
        )
        assert refused.status_code == 422
        assert refused.json()["type"] == f"urn:jichi:problem:{problem}"
    for bad in (
        {"indicator": "happiness", "value": 1, "measured_on": on},
        {"indicator": "visitors", "value": -1, "measured_on": on},
        {"indicator": "visitors", "value": "3", "measured_on": on},
        {"indicator": "visitors", "value": 1, "measured_on": on, "name": "山田"},
    ):
        assert (await revitalization.post(url, json=bad, headers=review)).status_code == 422
    assert (
        await revitalization.post(url, json={"indicator": "visitors", "value": 1, "measured_on": on})
    ).status_code == 401
    stranger = headers(tokens, APPLY, client_id="another-town")
    report = {"indicator": "visitors", "value": 1, "measured_on": on}
    assert (await revitalization.post(url, json=report, headers=stranger)).json()["type"] == (
        "urn:jichi:problem:application-not-found"
    )
    outsider = headers(tokens, "revitalization:admin")
    assert (await revitalization.post(url, json=report, headers=outsider)).status_code == 403
    draft = await create(revitalization, tokens, cooperator_application(resident))
    not_awarded = await revitalization.post(
        f"{BASE}/applications/{draft['id']}/outcomes", json=report, headers=headers(tokens, APPLY)
    )
    assert not_awarded.json()["type"] == "urn:jichi:problem:not-awarded"

    public = await revitalization.get(f"{BASE}/open-data/outcomes")
    assert public.status_code == 200
    figures = [(item["indicator"], item["value"]) for item in public.json()["items"]]
    assert figures == [
        ("jobs_created", 2),
        ("people_settled", 1),
        ("jobs_created", 3),
        ("residents_served", 120),
    ]
    assert resident not in public.text
    assert "山田" not in public.text
    jobs = await revitalization.get(f"{BASE}/open-data/outcomes?indicator=jobs_created&fiscal_year=2024")
    assert [item["value"] for item in jobs.json()["items"]] == [2, 3]
    assert (await revitalization.get(f"{BASE}/open-data/outcomes?indicator=happiness")).status_code == 422
    other_town = await revitalization.get(f"{BASE}/open-data/outcomes?municipality_code=131016")
    assert other_town.json()["items"] == []

    # In the 360Giving grant, the latest figure of each indicator.
    grants = await revitalization.get(f"{BASE}/open-data/grants")
    (grant,) = grants.json()["items"]
    assert grant["outcomes"] == [
        {"indicator": "jobs_created", "value": 3, "measuredOn": on},
        {"indicator": "people_settled", "value": 1, "measuredOn": on},
        {"indicator": "residents_served", "value": 120, "measuredOn": on},
    ]
