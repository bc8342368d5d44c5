"""Carry-over (繰越) of an unspent award into the next fiscal year: audited, never overspending either year,
each yen available in exactly one year, safe under races. Figures computed by hand in the comments."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.revitalization.factories import (
    ADMIN,
    APPLY,
    REVIEW,
    RURAL,
    check,
    create,
    decide,
    headers,
    set_budget,
    submit,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
PROGRAMME = "carry-test"


async def _programme(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    """A generic programme with rules for 2024 and 2025 (the reference tables outlive a test)."""
    texts = {
        "name": {"ja": "繰越試験", "en": "Carry-over test", "ja_easy": "くりこし"},
        "summary": {"ja": "繰越の試験", "en": "A test of carry-overs", "ja_easy": "くりこしの ためし"},
    }
    body = {"code": PROGRAMME, "kind": "generic", "texts": texts}
    created = await client.post(f"{BASE}/programmes", json=body, headers=headers(tokens, ADMIN))
    assert created.status_code in (201, 409), created.text
    for year in (2024, 2025):
        put = await client.put(
            f"{BASE}/programmes/{PROGRAMME}/fiscal-years/{year}",
            json={"grant_cap": 50_000_000},
            headers=headers(tokens, ADMIN),
        )
        assert put.status_code in (201, 428), put.text


async def _award(client: httpx.AsyncClient, tokens: TokenFactory, amount: int) -> int:
    body = {
        "programme_code": PROGRAMME,
        "fiscal_year": 2024,
        "municipality_code": RURAL,
        "applicant": {"kind": "organisation", "name": "盛岡まちづくり合同会社"},
        "title": "空き家の改修",
        "description": "空き家を改修して移住者の住まいにする",
        "requested_amount": amount,
    }
    created = await under_review(client, tokens, body)
    approved = await decide(client, tokens, created["id"], "approve", approved_amount=amount)
    assert approved.status_code == 200, approved.text
    return int(created["id"])


async def _budget(client: httpx.AsyncClient, tokens: TokenFactory, year: int) -> dict[str, Any]:
    response = await client.get(f"{BASE}/budgets/{PROGRAMME}/{year}/{RURAL}", headers=headers(tokens, REVIEW))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _carry(amount: int, decided_on: str = "2025-03-19") -> dict[str, Any]:
    return {"amount": amount, "basis": "carry_forward", "decided_on": decided_on, "reason": "工事の遅れ"}


async def _pay(
    client: httpx.AsyncClient, tokens: TokenFactory, application_id: int, amount: int, year: int | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"amount": amount, "paid_date": "2025-03-25" if year != 2025 else "2025-06-10"}
    if year is not None:
        body["fiscal_year"] = year
    return await client.post(
        f"{BASE}/applications/{application_id}/disbursements", json=body, headers=headers(tokens, REVIEW)
    )


async def test_a_carry_over_moves_unspent_yen_into_the_next_year_without_counting_them_twice(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    await _programme(revitalization, tokens)
    await set_budget(revitalization, tokens, 5_000_000, programme=PROGRAMME)
    await set_budget(revitalization, tokens, 1_000_000, programme=PROGRAMME, fiscal_year=2025)
    application_id = await _award(revitalization, tokens, 4_000_000)
    assert (await _pay(revitalization, tokens, application_id, 1_000_000)).status_code == 201
    url = f"{BASE}/applications/{application_id}/carry-overs"
    review = headers(tokens, REVIEW)

    # Unspent: 4,000,000 approved - 1,000,000 paid = 3,000,000.
    above = await revitalization.post(url, json=_carry(3_000_001), headers=review)
    assert above.status_code == 409
    assert above.json()["type"] == "urn:jichi:problem:above-unspent"
    late = await revitalization.post(url, json=_carry(1, decided_on="2025-04-01"), headers=review)
    assert late.json()["type"] == "urn:jichi:problem:carry-over-outside-award-year"
    for bad in (_carry(0), {**_carry(1), "basis": "whim"}, {**_carry(1), "reason": ""}):
        assert (await revitalization.post(url, json=bad, headers=review)).status_code == 422
    assert (await revitalization.post(url, json=_carry(1), headers=headers(tokens, APPLY))).status_code == 403
    assert (await revitalization.post(url, json=_carry(1))).status_code == 401
    unchanged = await _budget(revitalization, tokens, 2024)
    assert (unchanged["committed"], unchanged["carried_out"]) == (4_000_000, 0)

    keyed = headers(tokens, REVIEW, **{"Idempotency-Key": "carry-1"})
    carried = await revitalization.post(url, json=_carry(2_500_000), headers=keyed)
    replay = await revitalization.post(url, json=_carry(2_500_000), headers=keyed)
    assert carried.status_code == replay.status_code == 201, carried.text
    assert replay.json() == carried.json()
    assert carried.json()["from_fiscal_year"] == 2024
    assert carried.json()["to_fiscal_year"] == 2025
    assert carried.json()["recorded_by"] == "muni-portal"
    again = await revitalization.post(url, json=_carry(1), headers=review)
    assert again.json()["type"] == "urn:jichi:problem:already-carried-over"
    listed = await revitalization.get(url, headers=review)
    assert [item["amount"] for item in listed.json()["items"]] == [2_500_000]

    # 2024: committed 4,000,000 - 2,500,000 = 1,500,000; available 5,000,000 - 2,500,000 - 1,500,000 =
    # 1,000,000, as before the carry-over. 2025: its own 1,000,000 still available beside the 2,500,000.
    year_2024 = await _budget(revitalization, tokens, 2024)
    year_2025 = await _budget(revitalization, tokens, 2025)
    assert {k: year_2024[k] for k in ("amount", "committed", "disbursed", "carried_out", "available")} == {
        "amount": 5_000_000,
        "committed": 1_500_000,
        "disbursed": 1_000_000,
        "carried_out": 2_500_000,
        "available": 1_000_000,
    }
    assert {k: year_2025[k] for k in ("amount", "committed", "carried_in", "available")} == {
        "amount": 1_000_000,
        "committed": 2_500_000,
        "carried_in": 2_500_000,
        "available": 1_000_000,
    }

    # Payments: 2024 keeps 4,000,000 - 2,500,000 - 1,000,000 = 500,000; 2025 holds 2,500,000.
    assert (await _pay(revitalization, tokens, application_id, 500_001)).status_code == 409
    paid_2024 = await _pay(revitalization, tokens, application_id, 500_000)
    assert paid_2024.json()["fiscal_year"] == 2024
    over = await _pay(revitalization, tokens, application_id, 2_500_001, year=2025)
    assert over.json()["type"] == "urn:jichi:problem:above-approved-amount"
    paid_2025 = await _pay(revitalization, tokens, application_id, 2_500_000, year=2025)
    assert paid_2025.status_code == 201
    assert paid_2025.json()["fiscal_year"] == 2025
    elsewhere = await _pay(revitalization, tokens, application_id, 1, year=2026)
    assert elsewhere.json()["type"] == "urn:jichi:problem:not-a-budget-year-of-the-award"
    assert (await _budget(revitalization, tokens, 2025))["disbursed"] == 2_500_000

    # 2024 cannot commit the carried yen again: only its 1,000,000 is left.
    with_room = await _budget(revitalization, tokens, 2024)
    lower = await revitalization.put(
        f"{BASE}/budgets/{PROGRAMME}/2024/{RURAL}",
        json={"amount": 3_999_999},  # committed 1,500,000 + carried out 2,500,000 = 4,000,000
        headers={**review, "If-Match": f'"v{with_room["version"]}"'},
    )
    assert lower.json()["type"] == "urn:jichi:problem:budget-below-committed"
    second = await create(
        revitalization,
        tokens,
        {
            "programme_code": PROGRAMME,
            "fiscal_year": 2024,
            "municipality_code": RURAL,
            "applicant": {"kind": "organisation", "name": "第二の組合"},
            "title": "第二の事業",
            "description": "説明",
            "requested_amount": 1_000_001,
        },
    )
    await submit(revitalization, tokens, second["id"])
    await decide(revitalization, tokens, second["id"], "start_review")
    assert (await check(revitalization, tokens, second["id"])).json()["eligible"]
    exhausted = await decide(revitalization, tokens, second["id"], "approve", approved_amount=1_000_001)
    assert exhausted.json()["type"] == "urn:jichi:problem:budget-exhausted"
    # The refusal names what the budget can still commit, as the budget reads it: 5,000,000 - 2,500,000
    # carried out - 1,500,000 committed (not the amount less the commitments, 3,500,000).
    assert exhausted.json()["available"] == 1_000_000 == with_room["available"]


async def test_the_next_year_needs_rules_and_gets_a_budget_of_its_own_amount_zero(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    await _programme(revitalization, tokens)
    await set_budget(revitalization, tokens, 2_000_000, programme=PROGRAMME)
    application_id = await _award(revitalization, tokens, 2_000_000)
    carried = await revitalization.post(
        f"{BASE}/applications/{application_id}/carry-overs",
        json={**_carry(2_000_000), "basis": "accident"},
        headers=headers(tokens, REVIEW),
    )
    assert carried.status_code == 201, carried.text
    year_2025 = await _budget(revitalization, tokens, 2025)
    assert (year_2025["amount"], year_2025["committed"], year_2025["available"]) == (0, 2_000_000, 0)

    # Withdrawing the award releases each part where it is committed.
    withdrawn = await revitalization.post(
        f"{BASE}/applications/{application_id}/withdrawals",
        json={"reason": "事業中止"},
        headers=headers(tokens, APPLY),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await _budget(revitalization, tokens, 2024))["committed"] == 0
    after = await _budget(revitalization, tokens, 2025)
    # The carried yen stay in 2025 (carried out of 2024): available there, not in both years.
    assert (after["committed"], after["available"]) == (0, 2_000_000)
    assert (await _budget(revitalization, tokens, 2024))["available"] == 0


async def test_racing_carry_overs_and_payments_never_overspend_either_year(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    await _programme(revitalization, tokens)
    await set_budget(revitalization, tokens, 3_000_000, programme=PROGRAMME)
    application_id = await _award(revitalization, tokens, 3_000_000)
    url = f"{BASE}/applications/{application_id}/carry-overs"

    answers = await asyncio.gather(
        *(
            revitalization.post(url, json=_carry(3_000_000), headers=headers(tokens, REVIEW))
            for _ in range(4)
        ),
        _pay(revitalization, tokens, application_id, 3_000_000),
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 409, 409, 409, 409], [answer.text for answer in answers]
    year_2024 = await _budget(revitalization, tokens, 2024)
    next_year = await revitalization.get(
        f"{BASE}/budgets/{PROGRAMME}/2025/{RURAL}", headers=headers(tokens, REVIEW)
    )
    empty = {"amount": 0, "committed": 0, "disbursed": 0, "carried_in": 0, "carried_out": 0}
    year_2025 = next_year.json() if next_year.status_code == 200 else empty
    # Either the payment won (nothing left to carry) or one carry-over did (nothing left to pay in 2024):
    # the award's 3,000,000 is committed once, in one year or the other.
    assert year_2024["committed"] + year_2025["committed"] == 3_000_000
    assert year_2024["carried_out"] == year_2025["carried_in"] in (0, 3_000_000)
    for year in (year_2024, year_2025):
        room = year["amount"] + year["carried_in"] - year["carried_out"]
        assert 0 <= year["disbursed"] <= year["committed"] <= room
    application = await revitalization.get(
        f"{BASE}/applications/{application_id}", headers=headers(tokens, REVIEW)
    )
    assert application.json()["disbursed_amount"] + year_2025["carried_in"] == 3_000_000
