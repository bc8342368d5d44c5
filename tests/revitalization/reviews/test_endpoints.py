from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from tests.revitalization.calls.support import (
    BASE,
    CLOSES,
    HANAMAKI,
    MORIOKA,
    OPENS,
    Clock,
    application_body,
    publish,
)
from tests.revitalization.factories import APPLY, REVIEW, headers
from tests.support.tokens import TokenFactory

OWNER = "iwate-pref"
ORGANIZATION = "8400001000001"


def owner(tokens: TokenFactory, **extra: str) -> dict[str, str]:
    return headers(tokens, REVIEW, client_id=OWNER, **extra)


def reviewer(tokens: TokenFactory, reviewer_id: str) -> dict[str, str]:
    return headers(tokens, REVIEW, client_id=reviewer_id)


async def call_with_applications(
    client: httpx.AsyncClient, tokens: TokenFactory, clock: Clock, *applications: dict[str, Any], **call: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    created = await publish(client, tokens, owner=OWNER, **call)
    clock.set(OPENS)
    received = []
    for number, body in enumerate(applications or (application_body(),)):
        response = await client.post(
            f"{BASE}/calls/{created['id']}/applications",
            json=body,
            headers=headers(tokens, APPLY, client_id=f"applicant-{number}"),
        )
        assert response.status_code == 201, response.text
        received.append(response.json())
    return created, received


async def add_reviewer(
    client: httpx.AsyncClient, tokens: TokenFactory, call_id: int, reviewer_id: str, **affiliation: str
) -> httpx.Response:
    return await client.post(
        f"{BASE}/calls/{call_id}/reviewers",
        json={"reviewer_id": reviewer_id, "name": f"審査員 {reviewer_id}", **affiliation},
        headers=owner(tokens),
    )


async def assign(
    client: httpx.AsyncClient, tokens: TokenFactory, application_id: int, reviewer_id: str
) -> httpx.Response:
    return await client.post(
        f"{BASE}/call-applications/{application_id}/assignments",
        json={"reviewer_id": reviewer_id},
        headers=owner(tokens),
    )


async def score(
    client: httpx.AsyncClient, tokens: TokenFactory, application_id: int, reviewer_id: str, **points: int
) -> httpx.Response:
    return await client.post(
        f"{BASE}/call-applications/{application_id}/scores",
        json={"points": points or {"feasibility": 4, "impact": 3}},
        headers=reviewer(tokens, reviewer_id),
    )


async def test_conflicts_of_interest_are_refused(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call, (application,) = await call_with_applications(revitalization, tokens, clock)
    call_id, application_id = call["id"], application["id"]
    assert (
        await add_reviewer(revitalization, tokens, call_id, "r-morioka", municipality_code=MORIOKA)
    ).status_code == 201
    assert (
        await add_reviewer(revitalization, tokens, call_id, "r-company", organization_id=ORGANIZATION)
    ).status_code == 201
    assert (
        await add_reviewer(revitalization, tokens, call_id, "r-hanamaki", municipality_code=HANAMAKI)
    ).status_code == 201
    again = await add_reviewer(revitalization, tokens, call_id, "r-hanamaki")
    assert again.json()["type"] == "urn:jichi:problem:reviewer-exists"
    same_town = await assign(revitalization, tokens, application_id, "r-morioka")
    assert same_town.status_code == 409
    assert same_town.json()["type"] == "urn:jichi:problem:conflict-of-interest"
    assert same_town.json()["conflicts"] == ["municipality"]
    same_company = await assign(revitalization, tokens, application_id, "r-company")
    assert same_company.json()["conflicts"] == ["organization"]
    not_on_panel = await assign(revitalization, tokens, application_id, "r-nobody")
    assert not_on_panel.json()["type"] == "urn:jichi:problem:reviewer-not-on-panel"
    stranger = await revitalization.post(
        f"{BASE}/call-applications/{application_id}/assignments",
        json={"reviewer_id": "r-hanamaki"},
        headers=headers(tokens, REVIEW, client_id="miyagi-pref"),
    )
    assert stranger.json()["type"] == "urn:jichi:problem:call-application-not-found"
    assert (await assign(revitalization, tokens, application_id, "r-hanamaki")).status_code == 201
    twice = await assign(revitalization, tokens, application_id, "r-hanamaki")
    assert twice.json()["type"] == "urn:jichi:problem:already-assigned"
    # A conflicted reviewer, never assigned, cannot score or see the application.
    refused = await score(revitalization, tokens, application_id, "r-morioka")
    assert refused.json()["type"] == "urn:jichi:problem:reviewer-not-assigned"
    hidden = await revitalization.get(
        f"{BASE}/call-applications/{application_id}", headers=reviewer(tokens, "r-morioka")
    )
    assert hidden.status_code == 404
    panel = await revitalization.get(f"{BASE}/calls/{call_id}/reviewers", headers=owner(tokens))
    assert [r["reviewer_id"] for r in panel.json()["items"]] == ["r-company", "r-hanamaki", "r-morioka"]
    bad = await revitalization.post(
        f"{BASE}/calls/{call_id}/reviewers",
        json={"reviewer_id": "bad id", "name": "x"},
        headers=owner(tokens),
    )
    assert bad.status_code == 422


async def test_two_independent_scores_then_an_award_citing_them(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call, (application,) = await call_with_applications(revitalization, tokens, clock)
    call_id, application_id = call["id"], application["id"]
    for name in ("r-a", "r-b", "r-c"):
        await add_reviewer(revitalization, tokens, call_id, name, municipality_code=HANAMAKI)
    before = await score(revitalization, tokens, application_id, "r-a")
    assert before.status_code == 403
    assert before.json()["type"] == "urn:jichi:problem:reviewer-not-assigned"
    for name in ("r-a", "r-b"):
        assert (await assign(revitalization, tokens, application_id, name)).status_code == 201
    visible = await revitalization.get(
        f"{BASE}/call-applications/{application_id}", headers=reviewer(tokens, "r-a")
    )
    assert visible.status_code == 200
    for points in (
        {"feasibility": 6, "impact": 3},
        {"feasibility": 4},
        {"feasibility": 4, "impact": 3, "cost": 1},
    ):
        wrong = await revitalization.post(
            f"{BASE}/call-applications/{application_id}/scores",
            json={"points": points},
            headers=reviewer(tokens, "r-a"),
        )
        assert wrong.status_code == 422, points
        assert wrong.json()["type"] == "urn:jichi:problem:score-not-in-rubric"
    first = await score(revitalization, tokens, application_id, "r-a", feasibility=4, impact=3)
    assert first.status_code == 201
    assert (first.json()["total"], first.json()["max_total"]) == (3 * 4 + 2 * 3, 25)
    twice = await score(revitalization, tokens, application_id, "r-a", feasibility=5, impact=5)
    assert twice.json()["type"] == "urn:jichi:problem:already-scored"
    # r-b sees no other score before or after its own: scores stay independent.
    seen_by_b = await revitalization.get(
        f"{BASE}/call-applications/{application_id}/scores", headers=reviewer(tokens, "r-b")
    )
    assert seen_by_b.json() == []
    second = await score(revitalization, tokens, application_id, "r-b", feasibility=5, impact=2)
    assert second.json()["total"] == 19
    seen_by_b = await revitalization.get(
        f"{BASE}/call-applications/{application_id}/scores", headers=reviewer(tokens, "r-b")
    )
    assert [s["reviewer_id"] for s in seen_by_b.json()] == ["r-b"]
    unassigned = await revitalization.get(
        f"{BASE}/call-applications/{application_id}/scores", headers=reviewer(tokens, "r-c")
    )
    assert unassigned.status_code == 404
    all_scores = await revitalization.get(
        f"{BASE}/call-applications/{application_id}/scores", headers=owner(tokens)
    )
    assert [s["total"] for s in all_scores.json()] == [18, 19]

    url = f"{BASE}/call-applications/{application_id}/decisions"
    award = {"decision": "award", "amount": 8_000_000, "reason": "評価点が基準を上回るため"}
    while_open = await revitalization.post(url, json=award, headers=owner(tokens, **{"If-Match": '"v1"'}))
    assert while_open.json()["type"] == "urn:jichi:problem:call-not-closed"
    clock.set(CLOSES + timedelta(hours=1))
    assert (await revitalization.post(url, json=award, headers=owner(tokens))).status_code == 428
    too_much = await revitalization.post(
        url, json={**award, "amount": 10_000_001}, headers=owner(tokens, **{"If-Match": '"v1"'})
    )
    assert too_much.json()["type"] == "urn:jichi:problem:amount-above-request"
    no_amount = await revitalization.post(
        url, json={"decision": "award", "reason": "x"}, headers=owner(tokens, **{"If-Match": '"v1"'})
    )
    assert no_amount.json()["type"] == "urn:jichi:problem:amount-required"
    not_owner = await revitalization.post(
        url, json=award, headers=headers(tokens, APPLY, client_id="applicant-0", **{"If-Match": '"v1"'})
    )
    assert not_owner.json()["type"] == "urn:jichi:problem:not-the-call-owner"
    decided = await revitalization.post(url, json=award, headers=owner(tokens, **{"If-Match": '"v1"'}))
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["status"] == "awarded"
    assert body["decision"]["amount"] == 8_000_000
    assert body["decision"]["mean_total"] == "37/2"
    assert body["decision"]["max_total"] == 25
    assert [(c["reviewer_id"], c["total"]) for c in body["decision"]["cited_scores"]] == [
        ("r-a", 18),
        ("r-b", 19),
    ]
    assert [c["score_id"] for c in body["decision"]["cited_scores"]] == [s["id"] for s in all_scores.json()]
    assert decided.headers["etag"] == '"v2"'
    again = await revitalization.post(url, json=award, headers=owner(tokens, **{"If-Match": '"v2"'}))
    assert again.json()["type"] == "urn:jichi:problem:already-decided"
    after = await score(revitalization, tokens, application_id, "r-b")
    assert after.status_code == 409
    read = await revitalization.get(f"{BASE}/calls/{call_id}")
    assert read.json()["awarded_total"] == 8_000_000
    mine = await revitalization.get(
        f"{BASE}/call-applications/{application_id}", headers=headers(tokens, APPLY, client_id="applicant-0")
    )
    assert mine.json() == body
    audit = await revitalization.get(f"{BASE}/calls/{call_id}/audit", headers=owner(tokens))
    assert [(e["action"], e["actor"]) for e in audit.json()["items"]] == [
        ("call_published", OWNER),
        ("application_received", "applicant-0"),
        ("reviewer_added", OWNER),
        ("reviewer_added", OWNER),
        ("reviewer_added", OWNER),
        ("reviewer_assigned", OWNER),
        ("reviewer_assigned", OWNER),
        ("score_recorded", "r-a"),
        ("score_recorded", "r-b"),
        ("decision", OWNER),
    ]
    assert audit.json()["items"][-1]["details"]["cited_score_ids"] == [s["id"] for s in all_scores.json()]


async def test_no_decision_before_two_scores_and_the_ceiling_holds(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call, applications = await call_with_applications(
        revitalization,
        tokens,
        clock,
        application_body(requested_amount=20_000_000),
        application_body(requested_amount=20_000_000, organization_id=None, applicant_name="花巻の会"),
        application_body(requested_amount=1_000_000),
    )
    for name in ("r-a", "r-b"):
        await add_reviewer(revitalization, tokens, call["id"], name)
    first, second, third = (a["id"] for a in applications)
    for application_id in (first, second, third):
        for name in ("r-a", "r-b"):
            await assign(revitalization, tokens, application_id, name)
    await score(revitalization, tokens, first, "r-a")
    await score(revitalization, tokens, second, "r-a")
    await score(revitalization, tokens, second, "r-b")
    clock.set(CLOSES + timedelta(days=1))
    decide = {"decision": "award", "amount": 20_000_000, "reason": "採択"}
    early = await revitalization.post(
        f"{BASE}/call-applications/{first}/decisions",
        json=decide,
        headers=owner(tokens, **{"If-Match": '"v1"'}),
    )
    assert early.status_code == 409
    assert (early.json()["type"], early.json()["scores"], early.json()["required"]) == (
        "urn:jichi:problem:scores-incomplete",
        1,
        2,
    )
    await score(revitalization, tokens, first, "r-b")
    awarded = await revitalization.post(
        f"{BASE}/call-applications/{first}/decisions",
        json=decide,
        headers=owner(tokens, **{"If-Match": '"v1"'}),
    )
    assert awarded.status_code == 200
    over = await revitalization.post(
        f"{BASE}/call-applications/{second}/decisions",
        json=decide,
        headers=owner(tokens, **{"If-Match": '"v1"'}),
    )
    assert over.json()["type"] == "urn:jichi:problem:call-budget-exceeded"
    rejected = await revitalization.post(
        f"{BASE}/call-applications/{second}/decisions",
        json={"decision": "reject", "reason": "予算の範囲を超えるため"},
        headers=owner(tokens, **{"If-Match": '"v1"'}),
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision"]["amount"] is None
    assert (await revitalization.get(f"{BASE}/calls/{call['id']}")).json()["awarded_total"] == 20_000_000
    unknown = await revitalization.post(
        f"{BASE}/call-applications/{third}/decisions",
        json={"decision": "maybe", "reason": "x"},
        headers=owner(tokens, **{"If-Match": '"v1"'}),
    )
    assert unknown.status_code == 422


async def test_a_reviewer_scoring_twice_at_once_is_recorded_once(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    call, (application,) = await call_with_applications(revitalization, tokens, clock)
    await add_reviewer(revitalization, tokens, call["id"], "r-a")
    await assign(revitalization, tokens, application["id"], "r-a")
    answers = await asyncio.gather(
        *(score(revitalization, tokens, application["id"], "r-a") for _ in range(4))
    )
    assert sorted(response.status_code for response in answers) == [201, 409, 409, 409]
    scores = await revitalization.get(
        f"{BASE}/call-applications/{application['id']}/scores", headers=owner(tokens)
    )
    assert len(scores.json()) == 1


async def test_awards_racing_for_the_ceiling_never_exceed_it(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, clock: Clock
) -> None:
    bodies = [application_body(requested_amount=20_000_000, applicant_name=f"団体{n}") for n in range(3)]
    call, applications = await call_with_applications(revitalization, tokens, clock, *bodies)
    for name in ("r-a", "r-b"):
        await add_reviewer(revitalization, tokens, call["id"], name)
    for application in applications:
        for name in ("r-a", "r-b"):
            await assign(revitalization, tokens, application["id"], name)
            await score(revitalization, tokens, application["id"], name)
    clock.set(CLOSES + timedelta(days=1))
    award = {"decision": "award", "amount": 20_000_000, "reason": "採択"}
    answers = await asyncio.gather(
        *(
            revitalization.post(
                f"{BASE}/call-applications/{application['id']}/decisions",
                json=award,
                headers=owner(tokens, **{"If-Match": '"v1"'}),
            )
            for application in applications
        )
    )
    assert sorted(response.status_code for response in answers) == [200, 409, 409]
    assert {response.json().get("type") for response in answers if response.status_code == 409} == {
        "urn:jichi:problem:call-budget-exceeded"
    }
    assert (await revitalization.get(f"{BASE}/calls/{call['id']}")).json()["awarded_total"] == 20_000_000
