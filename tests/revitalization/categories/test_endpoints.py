from __future__ import annotations

from typing import Any

import httpx

from tests.revitalization.factories import (
    ADMIN,
    APPLY,
    REVIEW,
    RURAL,
    check,
    headers,
    local10000_application,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
OTHER = "034029"  # Kuji, Iwate (another municipality of Iwate)
PREFECTURE = "030007"  # Iwate itself


def entry_path(code: str = RURAL, fiscal_year: int = 2024) -> str:
    return f"{BASE}/municipality-categories/{fiscal_year}/{code}"


def admin(tokens: TokenFactory, **extra: str) -> dict[str, str]:
    return headers(tokens, ADMIN, client_id="bureau-admin") | extra


async def register(
    client: httpx.AsyncClient, tokens: TokenFactory, category: str, code: str = RURAL, fiscal_year: int = 2024
) -> httpx.Response:
    return await client.put(entry_path(code, fiscal_year), json={"category": category}, headers=admin(tokens))


async def test_an_entry_is_created_read_publicly_and_changed_with_if_match(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    assert (await revitalization.get(entry_path())).status_code == 404
    created = await register(revitalization, tokens, "fiscally_weak")
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"v1"'
    public = await revitalization.get(entry_path())
    assert public.status_code == 200
    assert public.json() | {"updated_at": None} == {
        "fiscal_year": 2024,
        "municipality_code": RURAL,
        "category": "fiscally_weak",
        "version": 1,
        "updated_at": None,
    }

    no_precondition = await register(revitalization, tokens, "standard")
    assert no_precondition.status_code == 428
    stale = await revitalization.put(
        entry_path(), json={"category": "standard"}, headers=admin(tokens, **{"If-Match": '"v7"'})
    )
    assert stale.status_code == 412
    assert (await revitalization.get(entry_path())).json()["category"] == "fiscally_weak"

    changed = await revitalization.put(
        entry_path(), json={"category": "standard"}, headers=admin(tokens, **{"If-Match": '"v1"'})
    )
    assert changed.status_code == 200
    assert changed.json()["category"] == "standard"
    assert changed.headers["ETag"] == '"v2"'
    # Another fiscal year is another entry.
    assert (await revitalization.get(entry_path(fiscal_year=2025))).status_code == 404

    same = await revitalization.put(
        entry_path(), json={"category": "standard"}, headers=admin(tokens, **{"If-Match": '"v2"'})
    )
    assert same.status_code == 200
    history = await revitalization.get(entry_path() + "/changes", headers=headers(tokens, REVIEW))
    assert history.status_code == 200
    assert [(c["old_category"], c["new_category"], c["actor"]) for c in history.json()["items"]] == [
        (None, "fiscally_weak", "bureau-admin"),
        ("fiscally_weak", "standard", "bureau-admin"),
    ]
    assert (await revitalization.get(entry_path() + "/changes")).status_code == 401
    applicant = await revitalization.get(entry_path() + "/changes", headers=headers(tokens, APPLY))
    assert applicant.status_code == 403


async def test_writes_need_the_admin_scope(revitalization: httpx.AsyncClient, tokens: TokenFactory) -> None:
    anonymous = await revitalization.put(entry_path(), json={"category": "fiscally_weak"})
    assert anonymous.status_code == 401
    reviewer = await revitalization.put(
        entry_path(), json={"category": "fiscally_weak"}, headers=headers(tokens, REVIEW, APPLY)
    )
    assert reviewer.status_code == 403
    batch = await revitalization.post(
        f"{BASE}/municipality-categories",
        json={"fiscal_year": 2024, "entries": [{"municipality_code": RURAL, "category": "x1"}]},
        headers=headers(tokens, REVIEW),
    )
    assert batch.status_code == 403
    assert (await revitalization.get(entry_path())).status_code == 404


async def test_malformed_writes_are_problems_that_change_nothing(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    cases: list[tuple[str, Any]] = [
        (entry_path(PREFECTURE), {"category": "fiscally_weak"}),
        (entry_path("032019"), {"category": "fiscally_weak"}),  # wrong check digit
        (entry_path(fiscal_year=1800), {"category": "fiscally_weak"}),
        (entry_path(), {"category": "Fiscally Weak"}),
        (entry_path(), {"category": "fiscally_weak", "extra": 1}),
        (entry_path(), {}),
    ]
    for path, body in cases:
        response = await revitalization.put(path, json=body, headers=admin(tokens))
        assert response.status_code == 422, (path, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    listed = await revitalization.get(f"{BASE}/municipality-categories?fiscal_year=2024")
    assert listed.json()["items"] == []


async def test_a_batch_is_all_or_none_and_idempotent(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    url = f"{BASE}/municipality-categories"
    entries = [
        {"municipality_code": RURAL, "category": "fiscally_weak"},
        {"municipality_code": OTHER, "category": "standard"},
    ]
    body = {"fiscal_year": 2024, "entries": entries}
    first = await revitalization.post(url, json=body, headers=admin(tokens, **{"Idempotency-Key": "cat-1"}))
    assert first.status_code == 201, first.text
    assert first.json() == {"fiscal_year": 2024, "created": 2}
    made = await revitalization.get(entry_path(OTHER) + "/changes", headers=admin(tokens))
    assert [(c["old_category"], c["new_category"]) for c in made.json()["items"]] == [(None, "standard")]
    replay = await revitalization.post(url, json=body, headers=admin(tokens, **{"Idempotency-Key": "cat-1"}))
    assert (replay.status_code, replay.json()) == (201, first.json())
    other_body = await revitalization.post(
        url, json={**body, "fiscal_year": 2025}, headers=admin(tokens, **{"Idempotency-Key": "cat-1"})
    )
    assert other_body.status_code == 422

    again = await revitalization.post(
        url,
        json={
            "fiscal_year": 2024,
            "entries": [{"municipality_code": "011002", "category": "standard"}, *entries],
        },
        headers=admin(tokens),
    )
    assert again.status_code == 409
    assert again.json()["codes"] == sorted([RURAL, OTHER])
    twice = await revitalization.post(
        url,
        json={"fiscal_year": 2025, "entries": [entries[0], entries[0]]},
        headers=admin(tokens),
    )
    assert twice.status_code == 422
    with_prefecture = await revitalization.post(
        url,
        json={"fiscal_year": 2025, "entries": [{"municipality_code": PREFECTURE, "category": "standard"}]},
        headers=admin(tokens),
    )
    assert with_prefecture.status_code == 422
    assert (await revitalization.get(entry_path("011002"))).status_code == 404
    assert (await revitalization.get(f"{BASE}/municipality-categories?fiscal_year=2025")).json()[
        "items"
    ] == []


async def test_the_register_lists_by_code_with_a_category_filter(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    for code, category in [(OTHER, "standard"), (RURAL, "fiscally_weak"), ("011002", "standard")]:
        assert (await register(revitalization, tokens, category, code)).status_code == 201
    url = f"{BASE}/municipality-categories?fiscal_year=2024"
    first = (await revitalization.get(url + "&page_size=2")).json()
    assert [e["municipality_code"] for e in first["items"]] == ["011002", RURAL]
    rest = (await revitalization.get(url + f"&page_size=2&page_token={first['next_page_token']}")).json()
    assert [e["municipality_code"] for e in rest["items"]] == [OTHER]
    assert rest["next_page_token"] is None
    standard = (await revitalization.get(url + "&category=standard")).json()
    assert [e["municipality_code"] for e in standard["items"]] == ["011002", OTHER]
    assert (await revitalization.get(f"{BASE}/municipality-categories")).status_code == 422
    assert (await revitalization.get(url + "&category=NO")).status_code == 422


async def _amounts(client: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any]) -> dict[str, Any]:
    created = await under_review(client, tokens, body, checked=False)
    report = await check(client, tokens, created["id"])
    assert report.status_code == 200, report.text
    result: dict[str, Any] = report.json()
    return result


async def test_local10000_share_follows_the_registered_category(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    unlisted = await _amounts(revitalization, tokens, local10000_application(9_000_000, 9_000_000))
    assert unlisted["amounts"]["national_share"] == 4_500_000
    category = next(f for f in unlisted["findings"] if f["code"] == "municipality-category")
    assert "default category standard" in category["detail"]

    assert (await register(revitalization, tokens, "fiscally_weak")).status_code == 201
    listed = await _amounts(revitalization, tokens, local10000_application(9_000_000, 9_000_000))
    assert listed["amounts"] == {
        "grant_cap": 25_000_000,
        "national_share": 6_000_000,
        "local_share": 3_000_000,
    }
    assert "category fiscally_weak" in next(
        f["detail"] for f in listed["findings"] if f["code"] == "municipality-category"
    )
    # The register is per fiscal year: a 2025 entry does not classify another municipality's 2024 grant.
    assert (await register(revitalization, tokens, "fiscally_weak", OTHER, 2025)).status_code == 201
    other = await _amounts(revitalization, tokens, local10000_application(9_000_000, 9_000_000, OTHER))
    assert other["amounts"]["national_share"] == 4_500_000

    unknown = await revitalization.put(
        entry_path(), json={"category": "no_such_category"}, headers=admin(tokens, **{"If-Match": '"v1"'})
    )
    assert unknown.status_code == 200
    refused = await _amounts(revitalization, tokens, local10000_application(9_000_000, 9_000_000))
    assert refused["eligible"] is False
    assert [f["code"] for f in refused["findings"] if not f["passed"]] == ["unknown-category"]


async def test_local10000_cap_follows_the_registered_category(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    rules = (await revitalization.get(f"{BASE}/programmes/local10000/fiscal-years/2024")).json()["rules"]
    rules["national_share"]["category_grant_caps"] = {"fiscally_weak": 30_000_000}
    year = await revitalization.put(
        f"{BASE}/programmes/local10000/fiscal-years/2030", json=rules, headers=admin(tokens)
    )
    assert year.status_code == 201, year.text
    assert (await register(revitalization, tokens, "fiscally_weak", fiscal_year=2030)).status_code == 201

    def body(grant: int, municipality: str = RURAL) -> dict[str, Any]:
        return local10000_application(grant, grant * 2, municipality) | {"fiscal_year": 2030}

    at_cap = await _amounts(revitalization, tokens, body(30_000_000))
    assert at_cap["eligible"] is True
    assert at_cap["amounts"]["grant_cap"] == 30_000_000
    above = await _amounts(revitalization, tokens, body(30_010_000))
    assert above["eligible"] is False
    assert "grant-above-cap" in [f["code"] for f in above["findings"] if not f["passed"]]
    standard = await _amounts(revitalization, tokens, body(30_010_000, OTHER))
    assert standard["eligible"] is True
    assert standard["amounts"]["grant_cap"] == 50_000_000

    unknown_cap = rules | {"national_share": rules["national_share"] | {"category_grant_caps": {"nope": 1}}}
    refused = await revitalization.put(
        f"{BASE}/programmes/local10000/fiscal-years/2031", json=unknown_cap, headers=admin(tokens)
    )
    assert refused.status_code == 422
