from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.revitalization.factories import APPLY, REVIEW, FakeRegistry, headers
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
MUNICIPALITIES = ["032018", "052019", "012025", "011002"]


def registration(municipality: str, tier: str = "basic", **extra: Any) -> dict[str, Any]:
    return {"person_ref": "person-1", "municipality_code": municipality, "tier": tier, **extra}


async def register(
    client: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], **kw: str
) -> httpx.Response:
    return await client.post(
        f"{BASE}/hometown-registrations", json=body, headers=headers(tokens, APPLY, **kw)
    )


async def test_tiers_duplicates_cap_and_withdrawal(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    basic = await register(revitalization, tokens, registration(MUNICIPALITIES[0]))
    assert basic.status_code == 201
    assert basic.json()["status"] == "active"
    duplicate = await register(revitalization, tokens, registration(MUNICIPALITIES[0], "premium"))
    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "urn:jichi:problem:duplicate-registration"
    premium = await register(
        revitalization, tokens, registration(MUNICIPALITIES[1], "premium", activity="祭りの運営")
    )
    assert premium.json()["status"] == "pending_review"
    await register(revitalization, tokens, registration(MUNICIPALITIES[2]))
    over = await register(revitalization, tokens, registration(MUNICIPALITIES[3]))
    assert over.status_code == 409
    assert over.json()["cap"] == 3
    other_system = await register(
        revitalization, tokens, registration(MUNICIPALITIES[3]), client_id="other-portal"
    )
    assert other_system.status_code == 201

    withdrawn = await revitalization.post(
        f"{BASE}/hometown-registrations/{basic.json()['id']}/withdrawals", headers=headers(tokens, APPLY)
    )
    assert withdrawn.json()["status"] == "withdrawn"
    read = await revitalization.get(
        f"{BASE}/hometown-registrations/{basic.json()['id']}", headers=headers(tokens, APPLY)
    )
    assert (read.status_code, read.json()) == (200, withdrawn.json())
    again = await revitalization.post(
        f"{BASE}/hometown-registrations/{basic.json()['id']}/withdrawals", headers=headers(tokens, APPLY)
    )
    assert again.status_code == 409
    assert (await register(revitalization, tokens, registration(MUNICIPALITIES[3]))).status_code == 201
    assert (
        await register(revitalization, tokens, registration(MUNICIPALITIES[0]))
    ).status_code == 409  # cap again


async def test_premium_review_and_public_counts(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    first = await register(revitalization, tokens, registration("032018", "premium"))
    second = await register(
        revitalization, tokens, {**registration("032018", "premium"), "person_ref": "person-2"}
    )
    await register(revitalization, tokens, {**registration("032018"), "person_ref": "person-3"})
    url = f"{BASE}/hometown-registrations/{first.json()['id']}/reviews"
    review = headers(tokens, REVIEW, client_id="morioka")
    assert (
        await revitalization.post(url, json={"decision": "approve"}, headers=headers(tokens, APPLY))
    ).status_code == 403
    assert (await revitalization.post(url, json={"decision": "maybe"}, headers=review)).status_code == 422
    approved = await revitalization.post(url, json={"decision": "approve"}, headers=review)
    assert approved.json()["status"] == "active"
    assert (await revitalization.post(url, json={"decision": "approve"}, headers=review)).status_code == 409
    second_url = f"{BASE}/hometown-registrations/{second.json()['id']}/reviews"
    assert (
        await revitalization.post(second_url, json={"decision": "reject"}, headers=review)
    ).status_code == 422
    rejected = await revitalization.post(
        second_url, json={"decision": "reject", "reason": "活動実績なし"}, headers=review
    )
    assert rejected.json()["status"] == "rejected"

    counts = await revitalization.get(f"{BASE}/hometown-counts")
    assert counts.status_code == 200
    assert counts.json()["items"] == [{"municipality_code": "032018", "basic": 1, "premium": 1}]
    pending = await revitalization.get(f"{BASE}/hometown-registrations?status=pending_review", headers=review)
    assert pending.json()["items"] == []
    mine = await revitalization.get(
        f"{BASE}/hometown-registrations", headers=headers(tokens, APPLY, client_id="x")
    )
    assert mine.json()["items"] == []


async def test_identity_is_verified_against_the_registry(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    resident = registry.cooperator()
    verified = await register(revitalization, tokens, registration("052019", resident_code=resident))
    assert verified.json()["identity_verified"] is True
    assert "本人確認" in registry.calls[-1][1]
    unknown = registry.cooperator()
    del registry.histories[unknown]
    refused = await register(
        revitalization, tokens, {**registration("012025", resident_code=unknown), "person_ref": "p9"}
    )
    assert refused.status_code == 422
    assert (await revitalization.get(f"{BASE}/hometown-counts?municipality_code=012025")).json()[
        "items"
    ] == []
    malformed = await register(revitalization, tokens, registration("012025", resident_code="1234"))
    assert malformed.status_code == 422
    assert "1234" not in malformed.text


async def test_two_registrations_racing_for_the_last_place(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    await register(revitalization, tokens, registration(MUNICIPALITIES[0]))
    await register(revitalization, tokens, registration(MUNICIPALITIES[1]))
    results = await asyncio.gather(
        register(revitalization, tokens, registration(MUNICIPALITIES[2])),
        register(revitalization, tokens, registration(MUNICIPALITIES[3])),
    )
    assert sorted(r.status_code for r in results) == [201, 409]
