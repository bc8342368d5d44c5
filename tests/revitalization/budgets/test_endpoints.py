from __future__ import annotations

import asyncio

import httpx

from tests.revitalization.factories import (
    APPLY,
    REVIEW,
    RURAL,
    FakeRegistry,
    cooperator_application,
    decide,
    headers,
    set_budget,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
BUDGET = f"{BASE}/budgets/cooperators/2024/{RURAL}"


async def approved(
    client: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry, amount: int
) -> int:
    created = await under_review(client, tokens, cooperator_application(registry.cooperator()))
    response = await decide(client, tokens, created["id"], "approve", approved_amount=amount)
    assert response.status_code == 200, response.text
    return int(created["id"])


async def test_budget_amount_changes_need_if_match_and_never_go_below_commitments(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    assert (await set_budget(revitalization, tokens, 5_000_000)).status_code == 201
    await approved(revitalization, tokens, registry, 3_000_000)
    review = headers(tokens, REVIEW)
    current = await revitalization.get(BUDGET, headers=review)
    assert current.json() == {
        "programme_code": "cooperators",
        "fiscal_year": 2024,
        "municipality_code": RURAL,
        "amount": 5_000_000,
        "committed": 3_000_000,
        "disbursed": 0,
        "carried_in": 0,
        "carried_out": 0,
        "available": 2_000_000,
        "version": 2,
    }
    assert (await set_budget(revitalization, tokens, 6_000_000)).status_code == 428
    etag = {"If-Match": current.headers["ETag"]}
    below = await revitalization.put(BUDGET, json={"amount": 2_999_999}, headers={**review, **etag})
    assert below.status_code == 409
    raised = await revitalization.put(BUDGET, json={"amount": 8_000_000}, headers={**review, **etag})
    assert raised.json()["available"] == 5_000_000
    missing = await set_budget(revitalization, tokens, 1, programme="nothing-here")
    assert missing.status_code == 422
    listed = await revitalization.get(f"{BASE}/budgets?municipality_code={RURAL}", headers=review)
    assert len(listed.json()["items"]) == 1
    assert (await revitalization.get(BUDGET, headers=headers(tokens, APPLY))).status_code == 403


async def test_disbursements_stay_within_the_award_and_retry_safely(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    await set_budget(revitalization, tokens, 10_000_000)
    application_id = await approved(revitalization, tokens, registry, 4_000_000)
    url = f"{BASE}/applications/{application_id}/disbursements"
    pay = headers(tokens, REVIEW, **{"Idempotency-Key": "pay-1"})
    first = await revitalization.post(url, json={"amount": 3_000_000, "paid_date": "2024-08-10"}, headers=pay)
    retry = await revitalization.post(url, json={"amount": 3_000_000, "paid_date": "2024-08-10"}, headers=pay)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    too_much = await revitalization.post(
        url, json={"amount": 1_000_001, "paid_date": "2024-09-10"}, headers=headers(tokens, REVIEW)
    )
    assert too_much.status_code == 409
    assert too_much.json()["type"] == "urn:jichi:problem:above-approved-amount"
    for bad in (
        {"amount": 0, "paid_date": "2024-09-10"},
        {"amount": 10, "paid_date": "2024-13-01"},
        {"amount": 10},
    ):
        assert (await revitalization.post(url, json=bad, headers=headers(tokens, REVIEW))).status_code == 422
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert (budget["committed"], budget["disbursed"]) == (4_000_000, 3_000_000)
    listed = await revitalization.get(url, headers=headers(tokens, REVIEW))
    assert [d["amount"] for d in listed.json()["items"]] == [3_000_000]
    withdraw = await revitalization.post(
        f"{BASE}/applications/{application_id}/withdrawals",
        json={"reason": "辞退"},
        headers=headers(tokens, APPLY),
    )
    assert withdraw.status_code == 409


async def test_concurrent_payments_never_exceed_the_award(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    await set_budget(revitalization, tokens, 10_000_000)
    application_id = await approved(revitalization, tokens, registry, 1_000_000)
    url = f"{BASE}/applications/{application_id}/disbursements"
    results = await asyncio.gather(
        *[
            revitalization.post(
                url, json={"amount": 400_000, "paid_date": "2024-08-10"}, headers=headers(tokens, REVIEW)
            )
            for _ in range(3)
        ]
    )
    assert sorted(r.status_code for r in results) == [201, 201, 409]
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert budget["disbursed"] == 800_000


async def test_nothing_is_paid_before_approval(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    refused = await revitalization.post(
        f"{BASE}/applications/{created['id']}/disbursements",
        json={"amount": 1, "paid_date": "2024-08-10"},
        headers=headers(tokens, REVIEW),
    )
    assert refused.status_code == 409
