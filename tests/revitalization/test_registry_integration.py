"""The residence rule against a real running registry, through a real gateway, over loopback TCP.

The revitalization service reads the registry with its own gateway client and a stated purpose;
the registry's access log must show that read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.revitalization.platform import revitalization_platform

PURPOSE = {"X-Purpose": "integration test"}


@dataclass
class Stack:
    gateway_url: str
    clerk: tuple[str, str]
    bureau: tuple[str, str]


@pytest.fixture(scope="module")
async def stack(sqlite_dir: Path) -> AsyncIterator[Stack]:
    clients = {
        "registry-clerk": frozenset({"registry:read", "registry:write", "registry:disclosure"}),
        "bureau": frozenset({"revitalization:apply", "revitalization:review"}),
    }
    async with revitalization_platform(sqlite_dir, "revitalization-integration", clients) as platform:
        yield Stack(
            platform.gateway_url, platform.credentials["registry-clerk"], platform.credentials["bureau"]
        )


async def _token(
    http: httpx.AsyncClient, stack: Stack, credentials: tuple[str, str], scopes: str
) -> dict[str, str]:
    response = await http.post(
        f"{stack.gateway_url}/oauth/token",
        data={"grant_type": "client_credentials", "scope": scopes},
        auth=credentials,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", **PURPOSE}


def _person(code: str, address: str, date_: str) -> dict[str, Any]:
    return {
        "event_type": "move_in",
        "effective_date": date_,
        "from_abroad": True,
        "family_name": "山田",
        "given_name": "太郎",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ",
        "date_of_birth": "1990-05-05",
        "sex": "male",
        "address": {"local_government_code": code, "address_lines": [address]},
    }


async def _resident_who_moved(http: httpx.AsyncClient, stack: Stack, origin: str | None) -> str:
    clerk = await _token(http, stack, stack.clerk, "registry:read registry:write")
    base = f"{stack.gateway_url}/registry/v1/residents"
    first = _person(
        origin or "032018", "千代田1-1" if origin else "内丸1-1", "2015-04-01" if origin else "2024-06-01"
    )
    registered = await http.post(base, json=first, headers=clerk)
    assert registered.status_code == 201, registered.text
    code = str(registered.json()["resident_code"])
    etag = registered.headers["ETag"]
    if origin is not None:
        moves = [
            {"type": "move_out", "effective_date": "2024-06-01", "to_local_government_code": "032018"},
            {
                "type": "move_in",
                "effective_date": "2024-06-01",
                "address": {"local_government_code": "032018", "address_lines": ["内丸1-1"]},
            },
        ]
        for move in moves:
            response = await http.post(
                f"{base}/{code}/events", json=move, headers={**clerk, "If-Match": etag}
            )
            assert response.status_code in (200, 201), response.text
            etag = response.headers["ETag"]
    return code


async def _eligibility(http: httpx.AsyncClient, stack: Stack, resident_code: str) -> dict[str, Any]:
    bureau = await _token(http, stack, stack.bureau, "revitalization:apply revitalization:review")
    base = f"{stack.gateway_url}/revitalization/v1/applications"
    body = {
        "programme_code": "cooperators",
        "fiscal_year": 2024,
        "municipality_code": "032018",
        "applicant": {"kind": "person", "name": "山田太郎", "resident_code": resident_code},
        "title": "協力隊",
        "description": "応募",
        "requested_amount": 1_000_000,
        "details": {"appointment_start_date": "2024-07-01", "term_end_date": "2025-06-30"},
    }
    created = await http.post(base, json=body, headers=bureau)
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    assert (
        await http.post(f"{base}/{application_id}/submissions", json={}, headers=bureau)
    ).status_code == 200
    started = await http.post(
        f"{base}/{application_id}/decisions", json={"action": "start_review"}, headers=bureau
    )
    assert started.status_code == 200
    report = await http.post(f"{base}/{application_id}/eligibility-checks", headers=bureau)
    assert report.status_code == 200, report.text
    result: dict[str, Any] = report.json()
    return result


async def test_move_from_tokyo_is_verified_in_the_real_registry(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10.0) as http:
        code = await _resident_who_moved(http, stack, origin="131016")
        report = await _eligibility(http, stack, code)
        assert report["eligible"] is True, report
        assert "origin-urban" in [f["code"] for f in report["findings"]]

        clerk = await _token(http, stack, stack.clerk, "registry:disclosure")
        log = await http.get(
            f"{stack.gateway_url}/registry/v1/residents/{code}/access-records", headers=clerk
        )
        assert log.status_code == 200, log.text
        purposes = [record["purpose"] for record in log.json()["items"]]
        assert any(
            purpose.startswith("jichi:purpose:cooperator-eligibility 地域おこし協力隊")
            for purpose in purposes
        ), purposes


async def test_move_from_abroad_uses_the_exception(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10.0) as http:
        code = await _resident_who_moved(http, stack, origin=None)
        report = await _eligibility(http, stack, code)
        assert report["eligible"] is True, report
        assert "origin-abroad-exception" in [f["code"] for f in report["findings"]]
