from __future__ import annotations

from datetime import date

import httpx

from services.revitalization.eligibility.source import ResidencePeriod
from tests.revitalization.factories import (
    CHIYODA,
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


async def active_placement(
    client: httpx.AsyncClient, tokens: TokenFactory, resident_code: str, end: str = "2025-06-30"
) -> dict[str, object]:
    details = {"appointment_start_date": "2024-07-01", "term_end_date": end}
    created = await under_review(client, tokens, cooperator_application(resident_code, details=details))
    await decide(client, tokens, created["id"], "approve", approved_amount=1_000_000)
    assert (await decide(client, tokens, created["id"], "activate")).status_code == 200
    listed = await client.get(
        f"{BASE}/placements?programme_code=cooperators", headers=headers(tokens, REVIEW)
    )
    placement: dict[str, object] = next(
        p for p in listed.json()["items"] if p["application_id"] == created["id"]
    )
    return placement


async def test_extensions_up_to_the_programme_limit(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    await set_budget(revitalization, tokens, 10_000_000)
    placement = await active_placement(revitalization, tokens, registry.cooperator())
    url = f"{BASE}/placements/{placement['id']}/extensions"
    review = headers(tokens, REVIEW, **{"If-Match": '"v1"'})
    beyond = await revitalization.post(
        url, json={"new_end_date": "2027-07-01", "reason": "延長"}, headers=review
    )
    assert beyond.status_code == 422
    assert beyond.json()["latest_possible_end_date"] == "2027-06-30"
    ok = await revitalization.post(url, json={"new_end_date": "2027-06-30", "reason": "延長"}, headers=review)
    assert ok.status_code == 200
    assert ok.json()["extensions"] == 1
    assert ok.json()["original_end_date"] == "2025-06-30"
    read = await revitalization.get(f"{BASE}/placements/{placement['id']}", headers=headers(tokens, REVIEW))
    assert (read.status_code, read.json(), read.headers["etag"]) == (200, ok.json(), ok.headers["etag"])
    stale = await revitalization.post(
        url, json={"new_end_date": "2027-06-30", "reason": "延長"}, headers=review
    )
    assert stale.status_code == 412
    trail = await revitalization.get(
        f"{BASE}/applications/{placement['application_id']}/transitions", headers=headers(tokens, REVIEW)
    )
    last = trail.json()["items"][-1]
    assert last["action"] == "extend"
    assert last["changes"] == {"end_date": {"old": "2025-06-30", "new": "2027-06-30"}}


async def test_settlement_rate_from_the_registry(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    await set_budget(revitalization, tokens, 10_000_000)
    stayed = registry.cooperator()
    left = registry.add(
        ResidencePeriod(CHIYODA, date(2015, 4, 1), date(2024, 5, 31)),
        ResidencePeriod(RURAL, date(2024, 6, 1), date(2025, 7, 31)),
        ResidencePeriod(CHIYODA, date(2025, 8, 1)),
    )
    unchecked = registry.cooperator()
    placements = [await active_placement(revitalization, tokens, code) for code in (stayed, left, unchecked)]
    review = headers(tokens, REVIEW)
    for placement in placements[:2]:
        url = f"{BASE}/placements/{placement['id']}/settlement-checks"
        too_early = await revitalization.post(url, json={"as_of_date": "2025-06-30"}, headers=review)
        assert too_early.status_code == 422
        future = await revitalization.post(url, json={"as_of_date": "2199-01-01"}, headers=review)
        assert future.status_code == 422
        checked = await revitalization.post(url, json={"as_of_date": "2025-10-01"}, headers=review)
        assert checked.status_code == 200
    assert "定住" in registry.calls[-1][1]
    rates = (await revitalization.get(f"{BASE}/settlement-rates", headers=review)).json()["items"]
    assert rates == [
        {
            "municipality_code": RURAL,
            "cohort_fiscal_year": 2025,
            "ended": 3,
            "checked": 2,
            "settled": 1,
            "rate_percent": 50.0,
        }
    ]
    assert (await revitalization.get(f"{BASE}/placements/999", headers=review)).status_code == 404
