"""Four-item matching and bulk verification over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from shared.contracts.registry import MAX_BULK_ITEMS, VerificationResponse
from tests.registry.conftest import CHIYODA, Headers, Register

BASE = "/registry/v1/residents"


async def test_matching_folds_variants_kana_width_and_spaces(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    takahashi = await register(
        family_name="髙橋", family_name_kana="タカハシ", given_name="一郎", given_name_kana="イチロウ"
    )
    await register(
        family_name="高橋",
        family_name_kana="タカハシ",
        given_name="一郎",
        given_name_kana="イチロウ",
        sex="female",
    )
    response = await registry.post(
        f"{BASE}/matches",
        json={
            "name": "高橋　一郎",
            "name_kana": "たかはし いちろう",
            "date_of_birth": "1990-04-01",
            "sex": "male",
            "local_government_code": CHIYODA,
            "address_line": "千代田１－１",
        },
        headers=headers("registry:read", "registry:address"),
    )
    assert response.status_code == 200, response.text
    candidates = response.json()["candidates"]
    assert [c["resident"]["resident_code"] for c in candidates] == [takahashi]
    assert set(candidates[0]["matched_items"]) == {
        "name_variant",
        "name_kana",
        "date_of_birth",
        "sex",
        "local_government_code",
        "address_lines",
    }
    exact = await registry.post(
        f"{BASE}/matches",
        json={"name": "髙橋一郎", "date_of_birth": "1990-04-01"},
        headers=headers("registry:read"),
    )
    ranked = exact.json()["candidates"]
    assert len(ranked) == 2
    assert ranked[0]["resident"]["resident_code"] == takahashi
    assert "name" in ranked[0]["matched_items"]
    assert ranked[0]["score"] > ranked[1]["score"]
    kana_only = await registry.post(
        f"{BASE}/matches",
        json={"name": "ﾀｶﾊｼ ｲﾁﾛｳ", "date_of_birth": "1990-04-01"},
        headers=headers("registry:read"),
    )
    assert len(kana_only.json()["candidates"]) == 2
    nameless = await registry.post(
        f"{BASE}/matches", json={"date_of_birth": "1990-04-01"}, headers=headers("registry:read")
    )
    assert nameless.status_code == 422


async def test_bulk_verification_answers_every_item(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    alive = await register(individual_number="123456789018")
    dead = await register(given_name="次郎", given_name_kana="ジロウ")
    etag = (await registry.get(f"{BASE}/{dead}", headers=headers("registry:read"))).headers["ETag"]
    await registry.post(
        f"{BASE}/{dead}/events",
        json={"type": "death", "effective_date": "2021-06-01"},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    await register(given_name="三郎", given_name_kana="サブロウ")
    await register(given_name="三郎", given_name_kana="サブロウ")
    items: list[dict[str, Any]] = [
        {"reference": "a", "resident_code": alive},
        {"reference": "b", "resident_code": dead},
        {"reference": "c", "resident_code": "12345678903"},
        {"reference": "d", "individual_number": "123456789018"},
        {"reference": "e", "four_items": {"name": "山田 次郎", "date_of_birth": "1990-04-01"}},
        {"reference": "f", "four_items": {"name": "山田三郎", "date_of_birth": "1990-04-01"}},
        {"reference": "g", "four_items": {"name": "存在しない", "date_of_birth": "1990-04-01"}},
    ]
    response = await registry.post(
        f"{BASE}/verifications",
        json={"items": items},
        headers=headers("registry:read", "registry:identity", "registry:address"),
    )
    assert response.status_code == 200, response.text
    results = VerificationResponse.model_validate(response.json()).results
    assert [(r.reference, r.outcome) for r in results] == [
        ("a", "found"),
        ("b", "deceased"),
        ("c", "not_found"),
        ("d", "found"),
        ("e", "deceased"),
        ("f", "ambiguous"),
        ("g", "not_found"),
    ]
    assert results[0].address is not None
    assert results[1].status_since_date is not None
    assert results[5].candidate_count == 2
    assert results[5].resident_code is None
    without_address = await registry.post(
        f"{BASE}/verifications", json={"items": items[:3]}, headers=headers("registry:read")
    )
    assert all("address" not in result for result in without_address.json()["results"])
    needs_identity = await registry.post(
        f"{BASE}/verifications", json={"items": items}, headers=headers("registry:read")
    )
    assert needs_identity.status_code == 403


async def test_bulk_verification_limits(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    full = {"items": [{"resident_code": code} for _ in range(MAX_BULK_ITEMS)]}
    response = await registry.post(f"{BASE}/verifications", json=full, headers=headers("registry:read"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_BULK_ITEMS
    too_many = {"items": [{"resident_code": code} for _ in range(MAX_BULK_ITEMS + 1)]}
    assert (
        await registry.post(f"{BASE}/verifications", json=too_many, headers=headers("registry:read"))
    ).status_code == 422
    two_keys = {
        "items": [{"resident_code": code, "four_items": {"name": "x", "date_of_birth": "1990-01-01"}}]
    }
    assert (
        await registry.post(f"{BASE}/verifications", json=two_keys, headers=headers("registry:read"))
    ).status_code == 422
    malformed = {"items": [{"resident_code": code}, {"resident_code": "1234"}]}
    bad = await registry.post(f"{BASE}/verifications", json=malformed, headers=headers("registry:read"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"].startswith("/items/1")
    empty = await registry.post(f"{BASE}/verifications", json={"items": []}, headers=headers("registry:read"))
    assert empty.status_code == 422
