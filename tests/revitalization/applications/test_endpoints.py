from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.revitalization.factories import (
    APPLY,
    REVIEW,
    RURAL,
    FakeRegistry,
    check,
    cooperator_application,
    create,
    decide,
    headers,
    local10000_application,
    set_budget,
    submit,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"


async def test_cooperator_lifecycle_is_audited(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    code = registry.cooperator()
    created = await create(revitalization, tokens, cooperator_application(code))
    assert created["state"] == "draft"
    assert created["allowed_actions"] == ["submit", "withdraw"]
    application_id = created["id"]

    assert (await submit(revitalization, tokens, application_id)).json()["state"] == "submitted"
    assert (await decide(revitalization, tokens, application_id, "start_review")).json()[
        "state"
    ] == "under_review"
    report = (await check(revitalization, tokens, application_id)).json()
    assert report["eligible"] is True
    codes = [f["code"] for f in report["findings"]]
    assert {"origin-urban", "destination-eligible", "move-in-window", "term-within-limits"} <= set(codes)
    assert registry.calls[0][0] == code
    assert "住所要件" in registry.calls[0][1]

    assert (await set_budget(revitalization, tokens, 10_000_000)).status_code == 201
    approved = await decide(revitalization, tokens, application_id, "approve", approved_amount=4_000_000)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_amount"] == 4_000_000
    budget = await revitalization.get(
        f"{BASE}/budgets/cooperators/2024/{RURAL}", headers=headers(tokens, REVIEW)
    )
    assert budget.json()["committed"] == 4_000_000
    assert budget.json()["available"] == 6_000_000

    assert (await decide(revitalization, tokens, application_id, "activate")).json()["state"] == "active"
    placements = (await revitalization.get(f"{BASE}/placements", headers=headers(tokens, REVIEW))).json()
    [placement] = placements["items"]
    assert placement["start_date"] == "2024-07-01"
    assert placement["latest_possible_end_date"] == "2027-06-30"
    assert (await decide(revitalization, tokens, application_id, "complete")).json()["state"] == "completed"

    trail = (
        await revitalization.get(
            f"{BASE}/applications/{application_id}/transitions", headers=headers(tokens, APPLY)
        )
    ).json()["items"]
    assert [(t["action"], t["from_state"], t["to_state"]) for t in trail] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("check_eligibility", "under_review", "under_review"),
        ("approve", "under_review", "approved"),
        ("activate", "approved", "active"),
        ("complete", "active", "completed"),
    ]
    assert trail[1]["actor"] == "muni-portal"
    assert trail[3]["changes"]["eligible"] == {"old": None, "new": True}
    assert trail[4]["actor"] == "bureau"
    assert trail[4]["changes"] == {
        "state": {"old": "under_review", "new": "approved"},
        "approved_amount": {"old": None, "new": 4_000_000},
    }
    assert all(t["at"].endswith("Z") for t in trail)


async def test_illegal_transition_is_409_naming_the_allowed_ones_and_changes_nothing(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    created = await create(revitalization, tokens, cooperator_application(None))
    refused = await decide(revitalization, tokens, created["id"], "approve", approved_amount=1)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:jichi:problem:illegal-transition"
    assert problem["allowed_actions"] == ["submit", "withdraw"]
    assert "draft" in problem["detail"]
    again = await revitalization.get(f"{BASE}/applications/{created['id']}", headers=headers(tokens, APPLY))
    assert again.json()["state"] == "draft"
    assert again.json()["version"] == created["version"]


async def test_applicant_cannot_take_a_reviewer_step_nor_see_anothers_application(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    created = await create(revitalization, tokens, cooperator_application(None))
    wrong_scope = await revitalization.post(
        f"{BASE}/applications/{created['id']}/decisions",
        json={"action": "start_review"},
        headers=headers(tokens, APPLY),
    )
    assert wrong_scope.status_code == 403
    other = headers(tokens, APPLY, client_id="another-portal")
    assert (
        await revitalization.get(f"{BASE}/applications/{created['id']}", headers=other)
    ).status_code == 404
    assert (
        await submit(revitalization, tokens, created["id"], client_id="another-portal")
    ).status_code == 404
    listed = await revitalization.get(f"{BASE}/applications", headers=other)
    assert listed.json()["items"] == []
    assert (await revitalization.get(f"{BASE}/applications")).status_code == 401
    no_scope = headers(tokens, "registry:read")
    assert (await revitalization.get(f"{BASE}/applications", headers=no_scope)).status_code == 403


async def test_submission_is_idempotent(revitalization: httpx.AsyncClient, tokens: TokenFactory) -> None:
    created = await create(revitalization, tokens, cooperator_application(None))
    url = f"{BASE}/applications/{created['id']}/submissions"
    key = headers(tokens, APPLY, **{"Idempotency-Key": "submit-1"})
    first = await revitalization.post(url, json={}, headers=key)
    retry = await revitalization.post(url, json={}, headers=key)
    assert first.status_code == retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    reused = await revitalization.post(url, json={"reason": "other"}, headers=key)
    assert reused.status_code == 422
    trail = await revitalization.get(
        f"{BASE}/applications/{created['id']}/transitions", headers=headers(tokens, APPLY)
    )
    assert [t["action"] for t in trail.json()["items"]] == ["create", "submit"]


async def test_edits_need_if_match_and_only_while_editable(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    created = await create(revitalization, tokens, cooperator_application(None))
    url = f"{BASE}/applications/{created['id']}"
    patch = {"title": "新しい題名", "requested_amount": 4_000_000}
    assert (await revitalization.patch(url, json=patch, headers=headers(tokens, APPLY))).status_code == 428
    stale = headers(tokens, APPLY, **{"If-Match": '"v99"'})
    assert (await revitalization.patch(url, json=patch, headers=stale)).status_code == 412
    ok = await revitalization.patch(url, json=patch, headers=headers(tokens, APPLY, **{"If-Match": '"v1"'}))
    assert ok.status_code == 200
    assert ok.headers["ETag"] == '"v2"'
    trail = (await revitalization.get(f"{url}/transitions", headers=headers(tokens, APPLY))).json()["items"]
    assert trail[-1]["action"] == "edit"
    assert trail[-1]["changes"]["requested_amount"] == {"old": 5_000_000, "new": 4_000_000}

    await submit(revitalization, tokens, created["id"])
    late = await revitalization.patch(url, json=patch, headers=headers(tokens, APPLY, **{"If-Match": '"v3"'}))
    assert late.status_code == 409
    assert late.json()["type"] == "urn:jichi:problem:not-editable"
    unknown = await revitalization.patch(
        url, json={"state": "approved"}, headers=headers(tokens, APPLY, **{"If-Match": '"v3"'})
    )
    assert unknown.status_code == 422


async def test_returned_application_can_be_fixed_and_resubmitted(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    assert (await decide(revitalization, tokens, created["id"], "return")).status_code == 422  # reason needed
    returned = await decide(revitalization, tokens, created["id"], "return", reason="委嘱状が未添付")
    assert returned.json()["state"] == "returned"
    version = returned.json()["version"]
    fixed = await revitalization.patch(
        f"{BASE}/applications/{created['id']}",
        json={"description": "委嘱状を添付しました。"},
        headers=headers(tokens, APPLY, **{"If-Match": f'"v{version}"'}),
    )
    assert fixed.json()["eligibility"] is None  # the old verdict no longer describes the content
    assert (await submit(revitalization, tokens, created["id"])).json()["state"] == "submitted"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"municipality_code": "032019"}, "/municipality_code"),
        ({"municipality_code": "99999"}, "/municipality_code"),
        ({"fiscal_year": 1800}, "/fiscal_year"),
        ({"requested_amount": -1}, "/requested_amount"),
        ({"requested_amount": 1.5}, "/requested_amount"),
        ({"requested_amount": "100"}, "/requested_amount"),
        ({"details": {"appointment_start_date": "2024-02-30"}}, "/details/appointment_start_date"),
        ({"applicant": {"kind": "robot", "name": "x"}}, "/applicant/kind"),
        (
            {"applicant": {"kind": "person", "name": "x", "resident_code": "12345678901"}},
            "/applicant/resident_code",
        ),
        ({"programme_code": "NOT A CODE"}, "/programme_code"),
        ({"surprise": 1}, "/surprise"),
    ],
)
async def test_malformed_applications_are_422_and_create_nothing(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, change: dict[str, object], field: str
) -> None:
    response = await revitalization.post(
        f"{BASE}/applications", json=cooperator_application(None, **change), headers=headers(tokens, APPLY)
    )
    assert response.status_code == 422, response.text
    assert field in [e["pointer"] for e in response.json()["errors"]]
    listed = await revitalization.get(f"{BASE}/applications", headers=headers(tokens, REVIEW))
    assert listed.json()["items"] == []


async def test_unknown_programme_year_and_bad_queries(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    unknown = await revitalization.post(
        f"{BASE}/applications",
        json=cooperator_application(None, fiscal_year=2031),
        headers=headers(tokens, APPLY),
    )
    assert unknown.status_code == 422
    assert unknown.json()["type"] == "urn:jichi:problem:rules-not-found"
    review = headers(tokens, REVIEW)
    assert (await revitalization.get(f"{BASE}/applications?state=bogus", headers=review)).status_code == 422
    assert (
        await revitalization.get(f"{BASE}/applications?page_size=100000", headers=review)
    ).status_code == 422
    assert (
        await revitalization.get(f"{BASE}/applications?page_token=forged", headers=review)
    ).status_code == 400
    assert (await revitalization.get(f"{BASE}/applications/abc", headers=review)).status_code == 422
    assert (await revitalization.get(f"{BASE}/applications/0", headers=review)).status_code == 422
    assert (await revitalization.get(f"{BASE}/applications/99", headers=review)).status_code == 404
    bad_json = await revitalization.post(
        f"{BASE}/applications",
        content=b"{",
        headers={**headers(tokens, APPLY), "Content-Type": "application/json"},
    )
    assert bad_json.status_code == 400


async def test_listing_filters_and_keyset_pages(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    ids = [(await create(revitalization, tokens, cooperator_application(None)))["id"] for _ in range(5)]
    await submit(revitalization, tokens, ids[0])
    review = headers(tokens, REVIEW)
    seen: list[int] = []
    url = f"{BASE}/applications?page_size=2&programme_code=cooperators"
    while url:
        page = (await revitalization.get(url, headers=review)).json()
        seen += [item["id"] for item in page["items"]]
        token = page.get("next_page_token")
        url = (
            f"{BASE}/applications?page_size=2&programme_code=cooperators&page_token={token}" if token else ""
        )
    assert seen == ids
    submitted = await revitalization.get(f"{BASE}/applications?state=submitted", headers=review)
    assert [i["id"] for i in submitted.json()["items"]] == [ids[0]]


async def test_listed_items_are_exactly_the_application_as_read_alone(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    """The listing passes the stored documents through; they must read as the validated model does."""
    draft = await create(revitalization, tokens, cooperator_application(None))
    edited = await revitalization.patch(
        f"{BASE}/applications/{draft['id']}",
        # A nested document sent in part: the stored one keeps the model's defaults.
        json={"applicant": {"kind": "person", "name": "山田花子"}, "details": {"loan_amount": 1}},
        headers=headers(tokens, APPLY, **{"If-Match": '"v1"'}),
    )
    assert edited.status_code == 200, edited.text
    checked = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    organisation = await under_review(revitalization, tokens, local10000_application(1_000_000, 1_000_000))
    review = headers(tokens, REVIEW)
    listed = (await revitalization.get(f"{BASE}/applications", headers=review)).json()["items"]
    assert [item["id"] for item in listed] == [draft["id"], checked["id"], organisation["id"]]
    for item in listed:
        alone = await revitalization.get(f"{BASE}/applications/{item['id']}", headers=review)
        assert item == alone.json()
    assert listed[0]["applicant"] == {
        "kind": "person",
        "name": "山田花子",
        "resident_code": None,
        "former_cooperator": False,
    }
    assert listed[1]["eligibility"]["eligible"] is True


async def test_a_decision_answers_exactly_the_application_as_read_alone(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    """A decision serializes the changed row without building the model: it must read as the model does."""
    created = await create(revitalization, tokens, cooperator_application(registry.cooperator()))
    assert (await submit(revitalization, tokens, created["id"])).status_code == 200
    review = headers(tokens, REVIEW)
    started = await decide(revitalization, tokens, created["id"], "start_review")
    assert (await check(revitalization, tokens, created["id"])).json()["eligible"]
    await set_budget(revitalization, tokens, 5_000_000)
    approved = await decide(revitalization, tokens, created["id"], "approve", approved_amount=4_000_000)
    alone = await revitalization.get(f"{BASE}/applications/{created['id']}", headers=review)
    assert approved.status_code == 200, approved.text
    assert approved.json() == alone.json()
    assert approved.headers["ETag"] == alone.headers["ETag"] == f'"v{alone.json()["version"]}"'
    assert approved.json()["eligibility"]["eligible"] is True
    assert approved.json()["approved_amount"] == 4_000_000
    assert started.json()["state"] == "under_review"
    assert started.headers["content-type"] == alone.headers["content-type"]


async def test_eligibility_is_explained_when_it_fails(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    rural_origin = registry.cooperator(origin="052019")
    created = await under_review(revitalization, tokens, cooperator_application(rural_origin), checked=False)
    report = (await check(revitalization, tokens, created["id"])).json()
    assert report["eligible"] is False
    failed = [f for f in report["findings"] if not f["passed"]]
    assert [f["code"] for f in failed] == ["origin-not-urban"]
    assert "052019" in failed[0]["detail"]
    approve = await decide(revitalization, tokens, created["id"], "approve", approved_amount=1)
    assert approve.status_code == 409
    assert approve.json()["type"] == "urn:jichi:problem:eligibility-not-established"


async def test_former_cooperator_exception_and_missing_facts(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    code = registry.cooperator(origin="052019")
    body = cooperator_application(None)
    body["applicant"] = {
        "kind": "person",
        "name": "佐藤花子",
        "resident_code": code,
        "former_cooperator": True,
    }
    created = await under_review(revitalization, tokens, body, checked=False)
    report = (await check(revitalization, tokens, created["id"])).json()
    assert report["eligible"] is True
    assert "former-cooperator-exception" in [f["code"] for f in report["findings"]]

    missing = await under_review(
        revitalization, tokens, cooperator_application(None, details={}), checked=False
    )
    report = (await check(revitalization, tokens, missing["id"])).json()
    assert report["eligible"] is False
    assert {f["code"] for f in report["findings"] if not f["passed"]} == {"missing-detail"}


async def test_unknown_resident_and_registry_down(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    unknown = registry.cooperator()
    del registry.histories[unknown]
    created = await under_review(revitalization, tokens, cooperator_application(unknown), checked=False)
    report = (await check(revitalization, tokens, created["id"])).json()
    assert [f["code"] for f in report["findings"] if not f["passed"]] == ["resident-not-found"]

    registry.down = True
    before = (
        await revitalization.get(f"{BASE}/applications/{created['id']}", headers=headers(tokens, REVIEW))
    ).json()
    down = await check(revitalization, tokens, created["id"])
    assert down.status_code == 502
    assert down.json()["type"] == "urn:jichi:problem:registry-unavailable"
    after = (
        await revitalization.get(f"{BASE}/applications/{created['id']}", headers=headers(tokens, REVIEW))
    ).json()
    assert after == before


async def test_local10000_cap_follows_the_loan(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    short = await under_review(
        revitalization, tokens, local10000_application(30_000_000, 30_000_000), checked=False
    )
    report = (await check(revitalization, tokens, short["id"])).json()
    assert report["eligible"] is False
    assert "grant-above-cap" in [f["code"] for f in report["findings"]]

    ok = await under_review(revitalization, tokens, local10000_application(30_000_000, 45_000_000))
    report = (await check(revitalization, tokens, ok["id"])).json()
    assert report["amounts"] == {
        "grant_cap": 35_000_000,
        "national_share": 15_000_000,
        "local_share": 15_000_000,
    }
    await set_budget(revitalization, tokens, 100_000_000, programme="local10000")
    above = await decide(revitalization, tokens, ok["id"], "approve", approved_amount=30_000_001)
    assert above.status_code == 422


async def test_approval_needs_a_budget_with_room(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    no_budget = await decide(revitalization, tokens, created["id"], "approve", approved_amount=1_000_000)
    assert no_budget.status_code == 409
    assert no_budget.json()["type"] == "urn:jichi:problem:no-budget"
    await set_budget(revitalization, tokens, 999_999)
    short = await decide(revitalization, tokens, created["id"], "approve", approved_amount=1_000_000)
    assert short.status_code == 409
    assert short.json()["available"] == 999_999
    state = await revitalization.get(f"{BASE}/applications/{created['id']}", headers=headers(tokens, REVIEW))
    assert state.json()["state"] == "under_review"
    assert (await decide(revitalization, tokens, created["id"], "approve")).status_code == 422


async def test_two_approvals_racing_for_the_last_of_a_budget(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    first = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    second = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 6_000_000)
    results = await asyncio.gather(
        decide(revitalization, tokens, first["id"], "approve", approved_amount=4_000_000),
        decide(revitalization, tokens, second["id"], "approve", approved_amount=4_000_000),
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    budget = await revitalization.get(
        f"{BASE}/budgets/cooperators/2024/{RURAL}", headers=headers(tokens, REVIEW)
    )
    assert budget.json()["committed"] == 4_000_000
    states = [
        (await revitalization.get(f"{BASE}/applications/{a['id']}", headers=headers(tokens, REVIEW))).json()[
            "state"
        ]
        for a in (first, second)
    ]
    assert sorted(states) == ["approved", "under_review"]


async def test_two_reviewers_racing_for_one_step_change_it_once(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    """Without If-Match both read the submitted application; the write is a compare-and-set on its
    version, so the loser is refused (412 when its write found the version moved, 409 when it read the
    application after the winner's write) and the audit trail has the step once."""
    created = await create(revitalization, tokens, cooperator_application(registry.cooperator()))
    assert (await submit(revitalization, tokens, created["id"])).status_code == 200
    results = await asyncio.gather(
        *(decide(revitalization, tokens, created["id"], "start_review") for _ in range(2))
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses[0] == 200, [r.text for r in results]
    assert statuses[1] in (409, 412), [r.text for r in results]
    loser = results[0] if results[0].status_code != 200 else results[1]
    assert loser.json()["type"] in ("urn:jichi:problem:etag-mismatch", "urn:jichi:problem:illegal-transition")
    trail = await revitalization.get(
        f"{BASE}/applications/{created['id']}/transitions", headers=headers(tokens, REVIEW)
    )
    assert [t["action"] for t in trail.json()["items"]].count("start_review") == 1


async def test_withdrawing_an_approved_award_releases_its_commitment(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 5_000_000)
    await decide(revitalization, tokens, created["id"], "approve", approved_amount=5_000_000)
    url = f"{BASE}/applications/{created['id']}/withdrawals"
    assert (await revitalization.post(url, json={}, headers=headers(tokens, APPLY))).status_code == 422
    withdrawn = await revitalization.post(url, json={"reason": "辞退"}, headers=headers(tokens, APPLY))
    assert withdrawn.json()["state"] == "withdrawn"
    budget = await revitalization.get(
        f"{BASE}/budgets/cooperators/2024/{RURAL}", headers=headers(tokens, REVIEW)
    )
    assert budget.json()["committed"] == 0


async def test_activation_needs_a_term_within_the_programme_limits(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    long_term = {"appointment_start_date": "2024-07-01", "term_end_date": "2027-07-01"}
    created = await under_review(
        revitalization,
        tokens,
        cooperator_application(registry.cooperator(), details=long_term),
        checked=False,
    )
    report = (await check(revitalization, tokens, created["id"])).json()
    assert [f["code"] for f in report["findings"] if not f["passed"]] == ["term-too-long"]


async def test_many_approvals_racing_commit_exactly_what_the_budget_holds(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    ready = [
        await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
        for _ in range(8)
    ]
    await set_budget(revitalization, tokens, 3 * 1_000_000 + 999_999)
    results = await asyncio.gather(
        *(decide(revitalization, tokens, a["id"], "approve", approved_amount=1_000_000) for a in ready)
    )
    assert sorted(r.status_code for r in results) == [200] * 3 + [409] * 5
    refusals = [r.json() for r in results if r.status_code == 409]
    assert {r["type"] for r in refusals} == {"urn:jichi:problem:budget-exhausted"}
    budget = await revitalization.get(
        f"{BASE}/budgets/cooperators/2024/{RURAL}", headers=headers(tokens, REVIEW)
    )
    assert (budget.json()["committed"], budget.json()["available"]) == (3_000_000, 999_999)
    approved = [r.json() for r in results if r.status_code == 200]
    for application in approved:
        trail = await revitalization.get(
            f"{BASE}/applications/{application['id']}/transitions", headers=headers(tokens, REVIEW)
        )
        assert trail.json()["items"][-1]["changes"] == {
            "state": {"old": "under_review", "new": "approved"},
            "approved_amount": {"old": None, "new": 1_000_000},
        }


async def test_decisions_answer_the_same_problems_whichever_handler_takes_them(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    """A well-formed decision is answered by the route's small handler, anything else by FastAPI's:
    each request gets the route's own problem either way."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    url = f"{BASE}/applications/{created['id']}/decisions"
    review = headers(tokens, REVIEW, client_id="bureau")
    unknown_field = await revitalization.post(url, json={"action": "approve", "amount": 1}, headers=review)
    assert unknown_field.status_code == 422
    no_token = await revitalization.post(url, json={"action": "approve", "approved_amount": 1})
    assert no_token.status_code == 401
    bad_id = await revitalization.post(
        f"{BASE}/applications/0/decisions", json={"action": "approve", "approved_amount": 1}, headers=review
    )
    assert bad_id.status_code == 422
    assert [e["pointer"] for e in bad_id.json()["errors"]] == ["/application_id"]
    long_etag = await revitalization.post(
        url, json={"action": "start_review"}, headers={**review, "If-Match": '"' + "1" * 300 + '"'}
    )
    assert long_etag.status_code == 422
    stale = await revitalization.post(
        url, json={"action": "reject", "reason": "r"}, headers={**review, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    not_json = await revitalization.post(
        url, content=b'{"action": "reject", "reason": "r"}', headers={**review, "Content-Type": "text/plain"}
    )
    assert not_json.status_code == 415
    rejected = await revitalization.post(url, json={"action": "reject", "reason": "r"}, headers=review)
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected"
    read = await revitalization.get(f"{BASE}/applications/{created['id']}", headers=review)
    assert rejected.headers["ETag"] == read.headers["ETag"]
