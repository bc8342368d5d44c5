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


async def change_code(
    client: httpx.AsyncClient, headers: Headers, code: str, *, etag: str | None = None, **extra: str
) -> httpx.Response:
    if etag is None:
        etag = (await read(client, headers, code)).headers["ETag"]
    return await client.post(
        f"{BASE}/{code}/resident-code-changes",
        json={"effective_date": "2025-01-10"},
        headers=headers("registry:write", **{"If-Match": etag}, **extra),
    )


async def test_a_resident_code_change_moves_the_record_and_retires_the_old_code(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    head = await register(individual_number="123456789018")
    household = (await read(registry, headers, head)).json()["household"]["household_id"]
    spouse = await register(
        given_name="花子",
        given_name_kana="ハナコ",
        sex="female",
        household={"household_id": household, "head_resident_code": head, "relationship": "妻"},
    )
    moved = await record(
        registry,
        headers,
        head,
        {
            "type": "move_within",
            "effective_date": "2020-01-01",
            "address": {"local_government_code": "131016", "address_lines": ["千代田5-5"]},
        },
    )
    assert moved.status_code == 201
    response = await change_code(registry, headers, head)
    assert response.status_code == 201, response.text
    body = response.json()
    new = body["resident_code"]
    assert (body["former_resident_code"], body["version"]) == (head, 3)
    assert new != head
    assert response.headers["Location"] == f"{BASE}/{new}"
    assert body["event"]["type"] == "resident_code_change"
    assert body["event"]["former_resident_code"] == head
    # The old code resolves to nothing, everywhere.
    assert (await read(registry, headers, head)).status_code == 404
    verified = await registry.post(
        f"{BASE}/verifications", json={"items": [{"resident_code": head}]}, headers=headers("registry:read")
    )
    assert verified.json()["results"][0]["outcome"] == "not_found"
    # The record, its history, its number and its events are the new code's.
    now = (await read(registry, headers, new)).json()
    assert now["individual_number"] == "123456789018"
    assert [p["address_lines"] for p in now["residence_history"]] == [["千代田1-1"], ["千代田5-5"]]
    assert now["household"]["head_resident_code"] == new
    assert (await read(registry, headers, spouse)).json()["household"]["head_resident_code"] == new
    events = await registry.get(f"{BASE}/{new}/events", headers=headers("registry:read", "registry:history"))
    assert [e["type"] for e in events.json()["items"]] == ["birth", "move_within", "resident_code_change"]
    by_number = await registry.post(
        f"{BASE}/by-individual-number",
        json={"individual_number": "123456789018"},
        headers=headers("registry:read", "registry:identity"),
    )
    assert by_number.json()["resident_code"] == new
    feed = (await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed"))).json()
    assert feed["items"][-1]["former_resident_code"] == head
    assert all(item["resident_code"] != head for item in feed["items"])
    # A second change keeps the whole chain of former codes pointing at the newest.
    newest = (await change_code(registry, headers, new)).json()["resident_code"]
    assert (await read(registry, headers, new)).status_code == 404
    assert (await read(registry, headers, newest)).status_code == 200


async def test_a_resident_code_change_needs_if_match_and_an_active_resident(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    missing = await registry.post(
        f"{BASE}/{code}/resident-code-changes",
        json={"effective_date": "2025-01-10"},
        headers=headers("registry:write"),
    )
    assert missing.status_code == 428
    assert (await change_code(registry, headers, code, etag='"v9"')).status_code == 412
    no_scope = await registry.post(
        f"{BASE}/{code}/resident-code-changes",
        json={"effective_date": "2025-01-10"},
        headers=headers("registry:read", **{"If-Match": '"v1"'}),
    )
    assert no_scope.status_code == 403
    chosen = await registry.post(
        f"{BASE}/{code}/resident-code-changes",
        json={"effective_date": "2025-01-10", "resident_code": "12345678901"},
        headers=headers("registry:write", **{"If-Match": '"v1"'}),
    )
    assert chosen.status_code == 422  # a code cannot be chosen
    died = await record(registry, headers, code, {"type": "death", "effective_date": "2024-01-01"})
    assert died.status_code == 201
    refused = await change_code(registry, headers, code)
    assert refused.json()["type"] == "urn:jichi:problem:resident-not-active"
    assert (await read(registry, headers, code)).headers["ETag"] == '"v2"'
    unknown = await change_code(registry, headers, "12345678906", etag='"v1"')
    assert unknown.status_code in (404, 422)


async def test_a_retried_code_change_is_answered_once(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    first = await change_code(registry, headers, code, etag='"v1"', **{"Idempotency-Key": "code-1"})
    again = await change_code(registry, headers, code, etag='"v1"', **{"Idempotency-Key": "code-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
