from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tests.revitalization.factories import ADMIN, APPLY, headers
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"


def texts(name: str) -> dict[str, Any]:
    return {
        "name": {"ja": f"{name}（日本語）", "en": f"{name} (English)", "ja_easy": f"{name}（やさしい）"},
        "summary": {"ja": "概要", "en": "Summary", "ja_easy": "せつめい"},
    }


@pytest.mark.parametrize(
    ("accept", "language", "name"),
    [
        (None, "ja", "地域おこし協力隊"),
        ("en-GB,en;q=0.9", "en", "Local Revitalization Cooperators"),
        ("ja-x-easy", "ja-x-easy", "ちいき おこし きょうりょくたい"),
        ("fr", "ja", "地域おこし協力隊"),
    ],
)
async def test_catalogue_is_public_and_served_in_the_asked_language(
    revitalization: httpx.AsyncClient, accept: str | None, language: str, name: str
) -> None:
    response = await revitalization.get(
        f"{BASE}/programmes/cooperators", headers={"Accept-Language": accept} if accept else {}
    )
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]
    assert response.json()["name"] == name
    assert response.json()["fiscal_years"] == [2024]


async def test_catalogue_lists_the_five_programmes(revitalization: httpx.AsyncClient) -> None:
    listed = (
        await revitalization.get(f"{BASE}/programmes?page_size=500", headers={"Accept-Language": "en"})
    ).json()
    kinds = {p["code"]: p["kind"] for p in listed["items"]}
    assert {
        "cooperators": "cooperator",
        "entrepreneurs": "entrepreneur",
        "local10000": "local10000",
        "community-cooperatives": "community_cooperative",
        "digital-staff": "digital_staff",
    }.items() <= kinds.items()
    rules = (await revitalization.get(f"{BASE}/programmes/local10000/fiscal-years/2024")).json()["rules"]
    assert [t["grant_cap"] for t in rules["loan_tiers"]] == [25_000_000, 35_000_000, 50_000_000]
    assert (await revitalization.get(f"{BASE}/programmes/nothing")).status_code == 404
    assert (await revitalization.get(f"{BASE}/programmes/cooperators/fiscal-years/2030")).status_code == 404


async def test_a_new_programme_without_code_changes(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    admin = headers(tokens, ADMIN, **{"Idempotency-Key": "new-programme"})
    body = {"code": "two-region-living", "kind": "generic", "texts": texts("二地域居住")}
    created = await revitalization.post(f"{BASE}/programmes", json=body, headers=admin)
    assert created.status_code == 201
    assert (
        await revitalization.post(f"{BASE}/programmes", json=body, headers=admin)
    ).status_code == 201  # replay
    again = await revitalization.post(f"{BASE}/programmes", json=body, headers=headers(tokens, ADMIN))
    assert again.status_code == 409

    rules = {"grant_cap": 1_000_000, "required_documents": [{"code": "plan", "name": texts("計画")["name"]}]}
    url = f"{BASE}/programmes/two-region-living/fiscal-years/2025"
    put = await revitalization.put(url, json=rules, headers=headers(tokens, ADMIN))
    assert put.status_code == 201
    assert put.headers["ETag"] == '"v1"'
    changed = {**rules, "grant_cap": 2_000_000}
    assert (await revitalization.put(url, json=changed, headers=headers(tokens, ADMIN))).status_code == 428
    ok = await revitalization.put(url, json=changed, headers=headers(tokens, ADMIN, **{"If-Match": '"v1"'}))
    assert ok.status_code == 200
    assert (await revitalization.get(url)).json()["rules"]["grant_cap"] == 2_000_000

    in_english = await revitalization.get(
        f"{BASE}/programmes/two-region-living", headers={"Accept-Language": "en"}
    )
    assert in_english.json()["name"] == "二地域居住 (English)"
    assert in_english.json()["fiscal_years"] == [2025]

    application = {
        "programme_code": "two-region-living",
        "fiscal_year": 2025,
        "municipality_code": "032018",
        "applicant": {"kind": "person", "name": "鈴木一郎"},
        "title": "週末の二地域居住",
        "description": "説明",
        "requested_amount": 500_000,
    }
    applied = await revitalization.post(
        f"{BASE}/applications", json=application, headers=headers(tokens, APPLY)
    )
    assert applied.status_code == 201


async def test_rules_must_fit_the_programme_family(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    body = {"code": "coop-variant", "kind": "cooperator", "texts": texts("協力隊B")}
    await revitalization.post(f"{BASE}/programmes", json=body, headers=headers(tokens, ADMIN))
    incomplete = await revitalization.put(
        f"{BASE}/programmes/coop-variant/fiscal-years/2025",
        json={"grant_cap": 1},
        headers=headers(tokens, ADMIN),
    )
    assert incomplete.status_code == 422
    assert set(incomplete.json()["missing"]) == {"term", "residence"}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["term"].update(min_months=40),
        lambda r: r["residence"].update(urban_prefectures=["48"]),
        lambda r: r["residence"].update(exceptions=["everyone"]),
        lambda r: r["allocation"].update(rate="3/2"),
        lambda r: r["allocation"].update(rate="0.5"),
        lambda r: r["allocation"]["categories"].append(r["allocation"]["categories"][0]),
        lambda r: r.update(grant_cap=-5),
        lambda r: r.update(loan_tiers=[]),
        lambda r: r.update(national_share={"shares": {"a": "1/2"}, "default_category": "b"}),
        lambda r: r.update(unknown_rule=True),
    ],
)
async def test_malformed_rules_are_refused_and_change_nothing(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, mutate: Any
) -> None:
    url = f"{BASE}/programmes/cooperators/fiscal-years/2024"
    current = await revitalization.get(url)
    rules = copy.deepcopy(current.json()["rules"])
    mutate(rules)
    refused = await revitalization.put(
        url, json=rules, headers=headers(tokens, ADMIN, **{"If-Match": current.headers["ETag"]})
    )
    assert refused.status_code == 422
    assert (await revitalization.get(url)).json() == current.json()


async def test_catalogue_writes_need_the_admin_scope(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    body = {"code": "x-programme", "kind": "generic", "texts": texts("x")}
    assert (await revitalization.post(f"{BASE}/programmes", json=body)).status_code == 401
    assert (
        await revitalization.post(f"{BASE}/programmes", json=body, headers=headers(tokens, APPLY))
    ).status_code == 403
    assert (await revitalization.get(f"{BASE}/programmes/x-programme")).status_code == 404
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert (await revitalization.get(f"{BASE}/programmes", headers=bad_token)).status_code == 401


async def test_programme_texts_and_kind_edit(revitalization: httpx.AsyncClient, tokens: TokenFactory) -> None:
    body = {"code": "edit-me", "kind": "generic", "texts": texts("編集")}
    await revitalization.post(f"{BASE}/programmes", json=body, headers=headers(tokens, ADMIN))
    full = await revitalization.get(f"{BASE}/programmes/edit-me/texts", headers=headers(tokens, ADMIN))
    assert full.json()["texts"]["name"]["ja_easy"] == "編集（やさしい）"
    update = {"kind": "generic", "texts": texts("変更後")}
    changed = await revitalization.put(
        f"{BASE}/programmes/edit-me",
        json=update,
        headers=headers(tokens, ADMIN, **{"If-Match": full.headers["ETag"]}),
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    await revitalization.put(
        f"{BASE}/programmes/edit-me/fiscal-years/2024", json={}, headers=headers(tokens, ADMIN)
    )
    to_local = await revitalization.put(
        f"{BASE}/programmes/edit-me",
        json={"kind": "local10000", "texts": texts("変更後")},
        headers=headers(tokens, ADMIN, **{"If-Match": '"v2"'}),
    )
    assert to_local.status_code == 422
