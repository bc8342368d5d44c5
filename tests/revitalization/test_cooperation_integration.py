"""Cooperation frameworks and results after award against a real registry, through a real gateway, over
loopback TCP: a merger recorded in the registry's code master is followed by a framework's members; a
prefecture's frameworks as of a day and an award's outcomes are read without a token."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.revitalization.placements.service import today
from tests.revitalization.cooperation.test_endpoints import settlement
from tests.revitalization.platform import Platform, revitalization_platform

SHIZUKUISHI, KUZUMAKI, MORIOKA, IWATE, MERGED = "033014", "033022", "032018", "033031", "033901"
BUREAU_SCOPES = "revitalization:admin revitalization:apply revitalization:review"
MERGER = {
    "effective_date": "2025-04-01",
    "kind": "merger",
    "description": "雫石町と葛巻町の合併（試験用の架空の合併）",
    "retired_codes": [SHIZUKUISHI, KUZUMAKI],
    "new_codes": [
        {"code": MERGED, "name": "岩手西町", "name_kana": "イワテニシマチ", "kind": "municipality"}
    ],
    "successions": [
        {"code": SHIZUKUISHI, "successor_code": MERGED},
        {"code": KUZUMAKI, "successor_code": MERGED},
    ],
}


@pytest.fixture(scope="module")
async def platform(sqlite_dir: Path) -> AsyncIterator[Platform]:
    clients = {
        "code-keeper": frozenset({"registry:admin"}),
        "bureau": frozenset(BUREAU_SCOPES.split()),
    }
    async with revitalization_platform(sqlite_dir, "cooperation-integration", clients) as running:
        yield running


async def _merge_in_the_registry(http: httpx.AsyncClient, platform: Platform) -> None:
    keeper = await platform.bearer(http, "code-keeper", "registry:admin")
    url = f"{platform.gateway_url}/registry/v1/local-government-code-changes"
    recorded = await http.post(url, json=MERGER, headers=keeper)
    assert recorded.status_code == 201, recorded.text
    code = f"{platform.gateway_url}/registry/v1/local-government-codes/{SHIZUKUISHI}"
    for _ in range(50):  # the registry reloads its code master just after answering
        if (await http.get(code)).json()["to_date"] == "2025-04-01":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the registry never served the merger")


def _codes(framework: dict[str, Any]) -> list[str]:
    return sorted(member["municipality_code"] for member in framework["members"])


async def test_a_prefectures_frameworks_follow_a_merger_recorded_in_the_registry(platform: Platform) -> None:
    base = f"{platform.gateway_url}/revitalization/v1/cooperation-frameworks"
    async with httpx.AsyncClient(timeout=10.0) as http:
        await _merge_in_the_registry(http, platform)
        bureau = await platform.bearer(http, "bureau", BUREAU_SCOPES)
        created = await http.post(base, json=settlement(), headers=bureau)
        assert created.status_code == 201, created.text
        followed = await http.post(
            f"{base}/{created.json()['id']}/succession-checks", json={"as_of": "2025-06-01"}, headers=bureau
        )
        assert followed.status_code == 200, followed.text
        merged = next(m for m in followed.json()["members"] if m["municipality_code"] == MERGED)
        assert (merged["joined_on"], merged["role"]) == ("2025-04-01", "partner")

        before = await http.get(f"{base}?prefecture=03&as_of=2025-03-31")  # public: no token
        after = await http.get(f"{base}?prefecture=03&as_of=2025-04-01")
        assert before.status_code == after.status_code == 200
        assert [_codes(f) for f in before.json()["items"]] == [[MORIOKA, SHIZUKUISHI, KUZUMAKI, IWATE]]
        assert [_codes(f) for f in after.json()["items"]] == [[MORIOKA, IWATE, MERGED]]
        assert (await http.get(f"{base}?prefecture=13&as_of=2025-04-01")).json()["items"] == []


async def _award(http: httpx.AsyncClient, platform: Platform, bureau: dict[str, str]) -> int:
    root = f"{platform.gateway_url}/revitalization/v1"
    names = {"ja": "成果公表試験", "en": "Results test", "ja_easy": "せいか"}
    programme = {"code": "results-test", "kind": "generic", "texts": {"name": names, "summary": names}}
    assert (await http.post(f"{root}/programmes", json=programme, headers=bureau)).status_code == 201
    rules = {"grant_cap": 10_000_000}
    year = f"{root}/programmes/results-test/fiscal-years/2024"
    assert (await http.put(year, json=rules, headers=bureau)).status_code == 201
    budget = f"{root}/budgets/results-test/2024/{MORIOKA}"
    assert (await http.put(budget, json={"amount": 5_000_000}, headers=bureau)).status_code == 201
    application = {
        "programme_code": "results-test",
        "fiscal_year": 2024,
        "municipality_code": MORIOKA,
        "applicant": {"kind": "organisation", "name": "盛岡まちづくり合同会社"},
        "title": "空き家の改修",
        "description": "空き家を改修して移住者の住まいにする",
        "requested_amount": 3_000_000,
    }
    created = await http.post(f"{root}/applications", json=application, headers=bureau)
    assert created.status_code == 201, created.text
    url = f"{root}/applications/{created.json()['id']}"
    steps = [
        (f"{url}/submissions", {}),
        (f"{url}/decisions", {"action": "start_review"}),
        (f"{url}/eligibility-checks", None),
        (f"{url}/decisions", {"action": "approve", "approved_amount": 3_000_000}),
    ]
    for step, step_body in steps:
        answer = await http.post(step, json=step_body, headers=bureau)
        assert answer.status_code == 200, answer.text
    return int(created.json()["id"])


async def test_outcomes_reported_by_the_municipality_are_published_without_a_token(
    platform: Platform,
) -> None:
    root = f"{platform.gateway_url}/revitalization/v1"
    async with httpx.AsyncClient(timeout=10.0) as http:
        bureau = await platform.bearer(http, "bureau", BUREAU_SCOPES)
        application_id = await _award(http, platform, bureau)
        report = {"indicator": "jobs_created", "value": 4, "measured_on": today().isoformat()}
        reported = await http.post(
            f"{root}/applications/{application_id}/outcomes", json=report, headers=bureau
        )
        assert reported.status_code == 201, reported.text

        public = await http.get(f"{root}/open-data/outcomes?municipality_code={MORIOKA}")
        assert public.status_code == 200
        assert [(o["grant_id"], o["indicator"], o["value"]) for o in public.json()["items"]] == [
            (f"360G-jichi-rev-{application_id}", "jobs_created", 4)
        ]
        package = await http.get(f"{root}/open-data/grants.json")
        (grant,) = package.json()["grants"]
        assert grant["outcomes"] == [
            {"indicator": "jobs_created", "value": 4, "measuredOn": report["measured_on"]}
        ]
