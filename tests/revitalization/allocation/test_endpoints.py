from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.contracts.revitalization import Claim
from tests.revitalization.factories import APPLY, REVIEW, RURAL, headers
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
IWATE = "030007"


def line(category: str, amount: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "claimant_code": RURAL,
        "fiscal_year": 2024,
        "programme_code": "cooperators",
        "person_ref": "coop-1",
        "category": category,
        "amount": amount,
    }
    body.update(overrides)
    return body


async def test_claims_are_computed_per_municipality_and_traced(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    lines = [
        line("remuneration", 4_500_000),
        line("activity", 2_000_000),
        line("remuneration", 2_000_000, person_ref="coop-2", months=6),
        line("dispatch_worker_costs", 5_000_000, programme_code="community-cooperatives", person_ref="w1"),
        line(
            "securing_costs", 1_000_000, programme_code="digital-staff", claimant_code=IWATE, person_ref="d1"
        ),
    ]
    review = headers(tokens, REVIEW, **{"Idempotency-Key": "spend-1"})
    recorded = await revitalization.post(f"{BASE}/spending-lines", json={"lines": lines}, headers=review)
    assert recorded.status_code == 201
    ids = recorded.json()["ids"]
    assert len(ids) == 5
    replay = await revitalization.post(f"{BASE}/spending-lines", json={"lines": lines}, headers=review)
    assert replay.json()["ids"] == ids

    page = await revitalization.get(
        f"{BASE}/allocation-claims?fiscal_year=2024&page_size=1", headers=headers(tokens, REVIEW)
    )
    [iwate] = page.json()["items"]
    assert iwate["claimant_code"] == IWATE
    assert (iwate["special_amount"], iwate["ordinary_amount"]) == (700_000, 7_800_000)
    token = page.json()["next_page_token"]
    second = await revitalization.get(
        f"{BASE}/allocation-claims?fiscal_year=2024&page_size=1&page_token={token}",
        headers=headers(tokens, REVIEW),
    )
    [morioka] = second.json()["items"]
    for claim in (iwate, morioka):
        assert Claim.model_validate(claim).model_dump(mode="json") == claim
    assert second.json()["next_page_token"] is None
    programmes = {p["programme_code"]: p for p in morioka["programmes"]}
    coop = programmes["cooperators"]
    assert coop["special_amount"] == 5_500_000 + 2_000_000
    first_person = coop["persons"][0]
    assert first_person["person_ref"] == "coop-1"
    activity = next(c for c in first_person["categories"] if c["category"] == "activity")
    assert activity["counted"] == 1_000_000
    assert activity["line_ids"] == [ids[1]]
    assert "per-person cap" in activity["explanation"]
    assert programmes["community-cooperatives"]["special_amount"] == 2_000_000
    assert morioka["special_amount"] == 9_500_000

    traced = await revitalization.get(
        f"{BASE}/spending-lines?fiscal_year=2024&claimant_code={RURAL}", headers=headers(tokens, REVIEW)
    )
    assert [item["id"] for item in traced.json()["items"]] == [ids[0], ids[1], ids[2], ids[3]]


@pytest.mark.parametrize(
    ("bad", "slug"),
    [
        (line("travel", 1), "unknown-category"),
        (line("remuneration", 1, programme_code="local10000"), "not-claimable"),
        (line("remuneration", 1, fiscal_year=2030), "not-claimable"),
        (line("securing_costs", 1, programme_code="digital-staff"), "wrong-claimant"),
        (line("remuneration", 1, claimant_code=IWATE), "wrong-claimant"),
    ],
)
async def test_a_bad_line_refuses_the_whole_batch(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, bad: dict[str, Any], slug: str
) -> None:
    response = await revitalization.post(
        f"{BASE}/spending-lines",
        json={"lines": [line("remuneration", 1), bad]},
        headers=headers(tokens, REVIEW),
    )
    assert response.status_code == 422
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    assert response.json()["line"] == 1
    listed = await revitalization.get(
        f"{BASE}/spending-lines?fiscal_year=2024", headers=headers(tokens, REVIEW)
    )
    assert listed.json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": [line("remuneration", 1)] * 1001},
        {"lines": [line("remuneration", 1, months=13)]},
        {"lines": [line("remuneration", 1, person_ref="山田 太郎")]},
        {"lines": [line("remuneration", -1)]},
        {"lines": [line("remuneration", 1, claimant_code="032019")]},
    ],
)
async def test_malformed_batches(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any]
) -> None:
    response = await revitalization.post(f"{BASE}/spending-lines", json=body, headers=headers(tokens, REVIEW))
    assert response.status_code == 422


async def test_claims_need_review_scope_and_a_fiscal_year(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    assert (await revitalization.get(f"{BASE}/allocation-claims?fiscal_year=2024")).status_code == 401
    apply = headers(tokens, APPLY)
    assert (
        await revitalization.get(f"{BASE}/allocation-claims?fiscal_year=2024", headers=apply)
    ).status_code == 403
    missing = await revitalization.get(f"{BASE}/allocation-claims", headers=headers(tokens, REVIEW))
    assert missing.status_code == 422
    empty = await revitalization.get(
        f"{BASE}/allocation-claims?fiscal_year=2024", headers=headers(tokens, REVIEW)
    )
    assert empty.json() == {"items": [], "next_page_token": None}


async def test_lines_are_summed_by_the_database_and_every_one_traced(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    review = headers(tokens, REVIEW)
    batches = [
        [line("remuneration", 1_000_000, months=6), line("activity", 10_000, months=3)],
        [line("remuneration", 1_500_000, months=9), line("remuneration", 250_001, months=3)],
        [line("remuneration", 7, claimant_code="032026")],
    ]
    ids: list[int] = []
    for batch in batches:
        recorded = await revitalization.post(f"{BASE}/spending-lines", json={"lines": batch}, headers=review)
        assert recorded.status_code == 201
        ids += recorded.json()["ids"]
    claims = await revitalization.get(
        f"{BASE}/allocation-claims?fiscal_year=2024&claimant_code={RURAL}", headers=review
    )
    [claim] = claims.json()["items"]
    [person] = claim["programmes"][0]["persons"]
    assert person["months"] == 9
    categories = {c["category"]: c for c in person["categories"]}
    assert categories["remuneration"]["spent"] == 2_750_001
    assert categories["remuneration"]["line_ids"] == [ids[0], ids[2], ids[3]]
    assert categories["remuneration"]["cap"] == 4_500_000 * 9 // 12
    assert categories["activity"]["line_ids"] == [ids[1]]
    assert person["person_cap"] == 5_500_000 * 9 // 12
