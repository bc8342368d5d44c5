"""Issue 19 item 5 on residents: the four-item duplicate warning and 職権消除 of a foreign
resident whose period of stay ended."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.contracts.registry import RegisteredResident
from tests.registry.conftest import Headers, Register, person
from tests.registry.residents.test_endpoints import BASE, read, record

FOREIGN: dict[str, Any] = {
    "event_type": "move_in",
    "effective_date": "2024-04-01",
    "family_name": "NGUYEN",
    "given_name": "VAN AN",
    "family_name_kana": "グエン",
    "given_name_kana": "ヴァン アン",
    "nationality": "VN",
    "foreign_resident": {"status_of_residence": "留学", "period_of_stay_until_date": "2025-03-31"},
}


async def test_a_registration_matching_four_items_is_made_with_a_warning(
    registry: httpx.AsyncClient, headers: Headers
) -> None:
    first = await registry.post(BASE, json=person(), headers=headers("registry:write"))
    assert first.json()["warnings"] == []
    # Width, spaces and the old form of 髙 fold away: the same four items.
    again = person(family_name="髙田", given_name="太郎")
    await registry.post(BASE, json=person(family_name="高田"), headers=headers("registry:write"))
    second = await registry.post(BASE, json=again, headers=headers("registry:write"))
    assert second.status_code == 201
    body = RegisteredResident.model_validate(second.json())
    assert [(w.type, w.matching_residents) for w in body.warnings] == [("possible-duplicate", 1)]
    assert body.resident_code != first.json()["resident_code"]  # never merged
    # Another sex, birth date or address is no duplicate.
    for change in ({"sex": "female"}, {"date_of_birth": "1990-04-02", "effective_date": "1990-04-02"}):
        other = await registry.post(BASE, json=person(**change), headers=headers("registry:write"))
        assert other.json()["warnings"] == []
    elsewhere = person(address={"local_government_code": "131016", "address_lines": ["千代田2-2"]})
    assert (await registry.post(BASE, json=elsewhere, headers=headers("registry:write"))).json()[
        "warnings"
    ] == []


async def test_a_foreign_resident_whose_stay_ended_is_removed_ex_officio(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(**FOREIGN)
    early = await record(
        registry, headers, code, {"type": "removal", "effective_date": "2025-03-31", "reason": "在留期間満了"}
    )
    assert early.status_code == 422
    assert early.json()["type"] == "urn:jichi:problem:period-of-stay-not-ended"
    removed = await record(
        registry, headers, code, {"type": "removal", "effective_date": "2025-04-01", "reason": "在留期間満了"}
    )
    assert removed.status_code == 201, removed.text
    assert removed.json()["type"] == "removal"
    assert removed.json()["reason"] == "在留期間満了"
    assert removed.json()["from_local_government_code"] == "131016"
    body = (await read(registry, headers, code)).json()
    assert (body["status"], body["status_since_date"]) == ("removed", "2025-04-01")
    assert body["residence_history"][-1]["to_date"] == "2025-04-01"
    assert body["residence_history"][-1]["ended_by"] == "removal"
    before = (await read(registry, headers, code, as_of="2025-03-31")).json()
    assert before["status"] == "active"
    verified = await registry.post(
        f"{BASE}/verifications",
        json={"items": [{"resident_code": code}]},
        headers=headers("registry:read"),
    )
    assert verified.json()["results"][0]["outcome"] == "removed"
    # A removed resident can come back (a move-in), but nothing else is recorded meanwhile.
    moved = await record(registry, headers, code, {"type": "move_out", "effective_date": "2025-05-01"})
    assert moved.json()["type"] == "urn:jichi:problem:resident-not-active"
    back = await record(
        registry,
        headers,
        code,
        {
            "type": "move_in",
            "effective_date": "2025-06-01",
            "from_abroad": True,
            "address": {"local_government_code": "131016", "address_lines": ["千代田3-3"]},
        },
    )
    assert back.status_code == 201, back.text


@pytest.mark.parametrize(
    ("overrides", "slug"),
    [
        ({}, "removal-not-applicable"),  # a Japanese national
        (
            {**FOREIGN, "foreign_resident": {"status_of_residence": "永住者"}},
            "removal-not-applicable",
        ),
    ],
)
async def test_removal_needs_an_ended_period_of_stay(
    registry: httpx.AsyncClient, headers: Headers, register: Register, overrides: dict[str, Any], slug: str
) -> None:
    code = await register(**overrides)
    response = await record(
        registry, headers, code, {"type": "removal", "effective_date": "2025-04-01", "reason": "在留期間満了"}
    )
    assert response.status_code == 422
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    assert (await read(registry, headers, code)).headers["ETag"] == '"v1"'


async def test_a_removal_needs_a_reason(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(**FOREIGN)
    response = await record(registry, headers, code, {"type": "removal", "effective_date": "2025-04-01"})
    assert response.status_code == 422
    assert (await read(registry, headers, code)).headers["ETag"] == '"v1"'
