"""Residents over HTTP: registration, events, lookups, scopes, concurrency, refusals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from shared.contracts.registry import LifeEvent, RegisteredResident, Resident, ResidentPage
from tests.registry.conftest import ALL_READ, CHIYODA, SAPPORO_CHUO, Headers, Register, person

BASE = "/registry/v1/residents"


async def read(
    client: httpx.AsyncClient, headers: Headers, code: str, *scopes: str, **params: str
) -> httpx.Response:
    return await client.get(f"{BASE}/{code}", headers=headers(*(scopes or ALL_READ)), params=params)


async def record(
    client: httpx.AsyncClient, headers: Headers, code: str, event: dict[str, Any], *, etag: str | None = None
) -> httpx.Response:
    if etag is None:
        etag = (await read(client, headers, code)).headers["ETag"]
    return await client.post(
        f"{BASE}/{code}/events", json=event, headers=headers("registry:write", **{"If-Match": etag})
    )


async def test_registration_returns_the_code_and_an_etag(
    registry: httpx.AsyncClient, headers: Headers
) -> None:
    response = await registry.post(BASE, json=person(), headers=headers("registry:write"))
    assert response.status_code == 201
    created = RegisteredResident.model_validate(response.json())
    assert response.headers["ETag"] == '"v1"'
    assert created.event.type == "birth"
    assert created.event.to_local_government_code == CHIYODA


async def test_field_groups_follow_the_scopes(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(individual_number="123456789018")
    basic = (await read(registry, headers, code, "registry:read")).json()
    assert basic["family_name"] == "山田"
    assert not {"address", "household", "individual_number", "residence_history", "protected"} & basic.keys()
    with_address = (await read(registry, headers, code, "registry:read", "registry:address")).json()
    assert with_address["address"] == {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]}
    assert "individual_number" not in with_address
    everything = Resident.model_validate((await read(registry, headers, code)).json())
    assert everything.individual_number == "123456789018"
    assert everything.residence_history is not None
    assert len(everything.residence_history) == 1
    assert everything.protected is False


@pytest.mark.parametrize(
    ("purpose", "status", "slug"),
    [
        (None, 400, "purpose-required"),
        ("", 400, "purpose-required"),
        ("   ", 400, "purpose-required"),
        ("x" * 201, 400, "purpose-required"),
    ],
)
async def test_a_purpose_is_required(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    purpose: str | None,
    status: int,
    slug: str,
) -> None:
    code = await register()
    response = await registry.get(f"{BASE}/{code}", headers=headers("registry:read", purpose=purpose))
    assert response.status_code == status
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"


async def test_a_japanese_purpose_is_accepted_percent_encoded(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    response = await registry.get(
        f"{BASE}/{code}", headers=headers("registry:read", purpose="選挙人名簿の調製")
    )
    assert response.status_code == 200
    records = await registry.get(f"{BASE}/{code}/access-records", headers=headers("registry:disclosure"))
    assert records.json()["items"][0]["purpose"] == "選挙人名簿の調製"


async def test_no_token_wrong_scope_malformed_code(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}")).status_code == 401
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:feed"))).status_code == 403
    assert (await registry.get(f"{BASE}/12345", headers=headers("registry:read"))).status_code == 422
    wrong_check_digit = code[:10] + str((int(code[10]) + 1) % 10)
    assert (
        await registry.get(f"{BASE}/{wrong_check_digit}", headers=headers("registry:read"))
    ).status_code == 422
    assert (await registry.get(f"{BASE}/12345678903", headers=headers("registry:read"))).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "status", "slug"),
    [
        ({"date_of_birth": "1990-02-30", "effective_date": "1990-02-30"}, 422, "validation-failed"),
        ({"date_of_birth": "2199-01-01", "effective_date": "2199-01-01"}, 422, "event-date-in-future"),
        ({"date_of_birth": "2999-01-01", "effective_date": "2999-01-01"}, 422, "validation-failed"),
        ({"event_type": "move_in", "effective_date": "1980-01-01"}, 422, "event-before-birth"),
        ({"effective_date": "1990-04-02"}, 422, "birth-date-mismatch"),
        ({"address": {"local_government_code": "131017", "address_lines": ["x"]}}, 422, "validation-failed"),
        (
            {"address": {"local_government_code": "130001", "address_lines": ["x"]}},
            422,
            "not-a-residence-municipality",
        ),
        (
            {"address": {"local_government_code": "011002", "address_lines": ["x"]}},
            422,
            "not-a-residence-municipality",
        ),
        (
            {"address": {"local_government_code": "479993", "address_lines": ["x"]}},
            422,
            "unknown-local-government-code",
        ),
        ({"sex": "unknown-value"}, 422, "validation-failed"),
        ({"nationality": "VN"}, 422, "foreign-resident-status-required"),
        ({"family_name_kana": "yamada"}, 422, "validation-failed"),
        ({"individual_number": "123456789019"}, 422, "validation-failed"),
        ({"surprise": 1}, 422, "validation-failed"),
        (
            {"address": {"local_government_code": CHIYODA, "address_lines": ["千代田\u00001"]}},
            422,
            "validation-failed",
        ),
        (
            {"household": {"relationship": "子", "head_resident_code": "12345678903"}},
            422,
            "unknown-household-head",
        ),
    ],
)
async def test_bad_registrations_are_refused_and_change_nothing(
    registry: httpx.AsyncClient, headers: Headers, overrides: dict[str, Any], status: int, slug: str
) -> None:
    response = await registry.post(BASE, json=person(**overrides), headers=headers("registry:write"))
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    feed = await registry.get("/registry/v1/events", headers=headers("registry:feed"))
    assert feed.json()["items"] == []


async def test_a_foreign_resident(registry: httpx.AsyncClient, headers: Headers, register: Register) -> None:
    code = await register(
        event_type="move_in",
        effective_date="2024-04-01",
        family_name="NGUYEN",
        given_name="VAN AN",
        family_name_kana="グエン",
        given_name_kana="ヴァン アン",
        nationality="VN",
        foreign_resident={
            "status_of_residence": "技術・人文知識・国際業務",
            "period_of_stay_until_date": "2027-03-31",
        },
    )
    body = (await read(registry, headers, code)).json()
    assert body["nationality"] == "VN"
    assert body["foreign_resident"]["status_of_residence"] == "技術・人文知識・国際業務"
    assert body["residence_history"][0]["from_abroad"] is True


async def test_a_life_moves_dies_and_keeps_its_history(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    moved = await record(
        registry,
        headers,
        code,
        {
            "type": "move_within",
            "effective_date": "2010-05-01",
            "address": {"local_government_code": CHIYODA, "address_lines": ["千代田2-2"]},
        },
    )
    assert moved.status_code == 201, moved.text
    assert LifeEvent.model_validate(moved.json()).resident_version == 2
    out = await record(
        registry,
        headers,
        code,
        {"type": "move_out", "effective_date": "2015-03-31", "to_local_government_code": SAPPORO_CHUO},
    )
    assert out.status_code == 201, out.text
    back_in = await record(
        registry,
        headers,
        code,
        {
            "type": "move_in",
            "effective_date": "2015-04-01",
            "address": {"local_government_code": SAPPORO_CHUO, "address_lines": ["大通西1"]},
        },
    )
    assert back_in.status_code == 201, back_in.text
    died = await record(registry, headers, code, {"type": "death", "effective_date": "2020-01-10"})
    assert died.status_code == 201
    body = Resident.model_validate((await read(registry, headers, code)).json())
    assert body.status == "deceased"
    assert body.status_since_date is not None
    assert body.residence_history is not None
    assert [
        (
            p.local_government_code,
            p.from_date.isoformat(),
            p.to_date.isoformat() if p.to_date else None,
            p.reason,
            p.ended_by,
        )
        for p in body.residence_history
    ] == [
        (CHIYODA, "1990-04-01", "2010-05-01", "birth", "move_within"),
        (CHIYODA, "2010-05-01", "2015-03-31", "move_within", "move_out"),
        (SAPPORO_CHUO, "2015-04-01", "2020-01-10", "move_in", "death"),
    ]
    as_of = (await read(registry, headers, code, *ALL_READ, as_of="2012-01-01")).json()
    assert as_of["address"]["address_lines"] == ["千代田2-2"]
    assert as_of["as_of_date"] == "2012-01-01"
    after_death = await record(
        registry,
        headers,
        code,
        {"type": "name_change", "effective_date": "2020-02-01", "family_name": "鈴木"},
    )
    assert after_death.status_code == 409
    assert after_death.json()["type"] == "urn:jichi:problem:resident-deceased"
    events = (await registry.get(f"{BASE}/{code}/events", headers=headers(*ALL_READ))).json()
    assert [event["type"] for event in events["items"]] == [
        "birth",
        "move_within",
        "move_out",
        "move_in",
        "death",
    ]


async def test_as_of_answers_what_was_known_then(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    before = (await read(registry, headers, code)).json()
    known_before_move = (await registry.get(f"{BASE}/{code}/events", headers=headers(*ALL_READ))).json()[
        "items"
    ][0]["recorded_at"]
    await record(
        registry,
        headers,
        code,
        {
            "type": "move_within",
            "effective_date": "2000-01-01",
            "address": {"local_government_code": CHIYODA, "address_lines": ["新住所"]},
        },
    )
    now_view = (await read(registry, headers, code, *ALL_READ, as_of="2005-01-01")).json()
    assert now_view["address"]["address_lines"] == ["新住所"]
    then_view = (
        await read(registry, headers, code, *ALL_READ, as_of="2005-01-01", known_at=known_before_move)
    ).json()
    assert then_view["address"]["address_lines"] == before["address"]["address_lines"]
    not_born = await read(registry, headers, code, *ALL_READ, as_of="1980-01-01")
    assert not_born.status_code == 404
    no_history_scope = await read(registry, headers, code, "registry:read", as_of="2005-01-01")
    assert no_history_scope.status_code == 403


async def test_a_retroactive_correction_keeps_later_changes(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(family_name="髙橋")
    await record(
        registry,
        headers,
        code,
        {
            "type": "move_within",
            "effective_date": "2010-01-01",
            "address": {"local_government_code": CHIYODA, "address_lines": ["二番地"]},
        },
    )
    corrected = await record(
        registry,
        headers,
        code,
        {
            "type": "correction",
            "effective_date": "1990-04-01",
            "reason": "出生届の記載誤り",
            "items": {
                "given_name": "太朗",
                "address": {"local_government_code": CHIYODA, "address_lines": ["一番地"]},
            },
        },
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["corrected_items"] == ["address", "given_name"]
    body = (await read(registry, headers, code)).json()
    assert body["given_name"] == "太朗"
    assert body["address"]["address_lines"] == ["二番地"]
    old = (await read(registry, headers, code, *ALL_READ, as_of="2000-01-01")).json()
    assert (old["given_name"], old["address"]["address_lines"]) == ("太朗", ["一番地"])


@pytest.mark.parametrize(
    ("event", "status", "slug"),
    [
        (
            {
                "type": "move_in",
                "effective_date": "2020-01-01",
                "address": {"local_government_code": CHIYODA, "address_lines": ["x"]},
            },
            409,
            "resident-not-moved-out",
        ),
        (
            {
                "type": "move_within",
                "effective_date": "2020-01-01",
                "address": {"local_government_code": SAPPORO_CHUO, "address_lines": ["x"]},
            },
            422,
            "not-same-municipality",
        ),
        ({"type": "move_out", "effective_date": "2199-01-01"}, 422, "event-date-in-future"),
        ({"type": "death", "effective_date": "1980-01-01"}, 422, "event-before-birth"),
        ({"type": "death", "effective_date": "1990-02-30"}, 422, "validation-failed"),
        ({"type": "levitation", "effective_date": "2020-01-01"}, 422, "validation-failed"),
        ({"type": "name_change", "effective_date": "2020-01-01"}, 422, "validation-failed"),
        (
            {"type": "move_out", "effective_date": "2020-01-01", "to_local_government_code": "000000"},
            422,
            "validation-failed",
        ),
        (
            {"type": "correction", "effective_date": "1970-01-01", "reason": "x", "items": {"sex": "female"}},
            422,
            "event-before-birth",
        ),
    ],
)
async def test_events_the_record_does_not_allow(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    event: dict[str, Any],
    status: int,
    slug: str,
) -> None:
    code = await register()
    response = await record(registry, headers, code, event)
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    assert (await read(registry, headers, code)).headers["ETag"] == '"v1"'


async def test_if_match_is_required_and_checked(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    event = {"type": "move_out", "effective_date": "2020-01-01"}
    missing = await registry.post(f"{BASE}/{code}/events", json=event, headers=headers("registry:write"))
    assert missing.status_code == 428
    stale = await record(registry, headers, code, event, etag='"v7"')
    assert stale.status_code == 412


async def test_two_clerks_at_once_exactly_one_wins(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    etag = (await read(registry, headers, code)).headers["ETag"]
    first = record(registry, headers, code, {"type": "move_out", "effective_date": "2020-01-01"}, etag=etag)
    second = record(registry, headers, code, {"type": "death", "effective_date": "2020-01-01"}, etag=etag)
    statuses = sorted(response.status_code for response in await asyncio.gather(first, second))
    assert statuses == [201, 412]
    assert (await read(registry, headers, code)).headers["ETag"] == '"v2"'
    feed = (await registry.get("/registry/v1/events", headers=headers("registry:feed"))).json()
    assert len(feed["items"]) == 2


async def test_idempotent_retries(registry: httpx.AsyncClient, headers: Headers) -> None:
    key = {"Idempotency-Key": "birth-0001"}
    first = await registry.post(BASE, json=person(), headers=headers("registry:write", **key))
    again = await registry.post(BASE, json=person(), headers=headers("registry:write", **key))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other_body = await registry.post(
        BASE, json=person(given_name="次郎"), headers=headers("registry:write", **key)
    )
    assert other_body.status_code == 422
    feed = (await registry.get("/registry/v1/events", headers=headers("registry:feed"))).json()
    assert len(feed["items"]) == 1


async def test_individual_number_lookup_needs_its_scope(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(individual_number="123456789018")
    url = f"{BASE}/by-individual-number"
    found = await registry.post(
        url, json={"individual_number": "123456789018"}, headers=headers("registry:read", "registry:identity")
    )
    assert found.status_code == 200
    assert found.json()["resident_code"] == code
    assert found.json()["individual_number"] == "123456789018"
    refused = await registry.post(
        url, json={"individual_number": "123456789018"}, headers=headers("registry:read")
    )
    assert refused.status_code == 403
    unknown = await registry.post(
        url, json={"individual_number": "000000000019"}, headers=headers("registry:read", "registry:identity")
    )
    assert unknown.status_code in {404, 422}
    duplicate = await registry.post(
        BASE, json=person(individual_number="123456789018"), headers=headers("registry:write")
    )
    assert duplicate.status_code == 409


async def test_protected_residents_hide_their_address(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    etag = (await read(registry, headers, code)).headers["ETag"]
    refused = await registry.put(
        f"{BASE}/{code}/protection",
        json={"active": True},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    assert refused.status_code == 403
    ordered = await registry.put(
        f"{BASE}/{code}/protection",
        json={"active": True},
        headers=headers("registry:write", "registry:protected", **{"If-Match": etag}),
    )
    assert ordered.status_code == 200
    assert ordered.headers["ETag"] == '"v2"'
    hidden = (
        await read(registry, headers, code, "registry:read", "registry:address", "registry:history")
    ).json()
    assert "address" not in hidden
    assert "residence_history" not in hidden
    shown = (await read(registry, headers, code)).json()
    assert shown["address"]["local_government_code"] == CHIYODA
    assert shown["protected"] is True
    extract = await registry.get(
        BASE, params={"local_government_code": CHIYODA}, headers=headers("registry:read", "registry:address")
    )
    assert extract.json()["items"] == []
    authorised = await registry.get(
        BASE, params={"local_government_code": CHIYODA}, headers=headers(*ALL_READ)
    )
    assert [item["resident_code"] for item in authorised.json()["items"]] == [code]
    by_address = await registry.post(
        f"{BASE}/matches",
        json={"name": "山田太郎", "date_of_birth": "1990-04-01", "local_government_code": CHIYODA},
        headers=headers("registry:read", "registry:address"),
    )
    candidate = by_address.json()["candidates"][0]
    assert "local_government_code" not in candidate["matched_items"]
    assert "address" not in candidate["resident"]


async def test_municipality_extract_pages_and_history(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    codes = sorted([await register(given_name=f"太郎{n}") for n in range(5)])
    await register(address={"local_government_code": SAPPORO_CHUO, "address_lines": ["北1条"]})
    mover = codes[0]
    await record(
        registry,
        headers,
        mover,
        {"type": "move_out", "effective_date": "2024-01-31", "to_local_government_code": SAPPORO_CHUO},
    )
    await record(
        registry,
        headers,
        mover,
        {
            "type": "move_in",
            "effective_date": "2024-02-01",
            "address": {"local_government_code": SAPPORO_CHUO, "address_lines": ["北2条"]},
        },
    )
    seen: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"local_government_code": CHIYODA, "page_size": 2}
        if token:
            params["page_token"] = token
        page = ResidentPage.model_validate(
            (await registry.get(BASE, params=params, headers=headers(*ALL_READ))).json()
        )
        seen += [item.resident_code for item in page.items]
        assert page.feed_cursor >= 3
        assert all(item.residence_history for item in page.items)
        token = page.next_page_token
        if token is None:
            break
    assert seen == codes[1:]
    with_movers = await registry.get(
        BASE,
        params={"local_government_code": CHIYODA, "resided_since": "2023-12-01"},
        headers=headers(*ALL_READ),
    )
    assert [item["resident_code"] for item in with_movers.json()["items"]] == codes
    too_big = await registry.get(
        BASE, params={"local_government_code": CHIYODA, "page_size": 1001}, headers=headers(*ALL_READ)
    )
    assert too_big.status_code == 422
    unknown = await registry.get(BASE, params={"local_government_code": "479993"}, headers=headers(*ALL_READ))
    assert unknown.status_code == 422
    no_address_scope = await registry.get(
        BASE, params={"local_government_code": CHIYODA}, headers=headers("registry:read")
    )
    assert no_address_scope.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "pointer"),
    [
        ({"family_name": "山田\ud800"}, "/family_name"),
        ({"given_name_kana": "\udfffタロウ"}, "/given_name_kana"),
        (
            {"address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1", "\udbff"]}},
            "/address/address_lines/1",
        ),
    ],
)
async def test_a_lone_surrogate_is_refused_with_a_pointer_to_its_field(
    registry: httpx.AsyncClient, headers: Headers, overrides: dict[str, Any], pointer: str
) -> None:
    body = json.dumps(person(**overrides)).encode()  # escaped: "\ud800" is valid JSON, not valid text
    response = await registry.post(
        BASE, content=body, headers=headers("registry:write", **{"Content-Type": "application/json"})
    )
    assert response.status_code == 422, response.text
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]
