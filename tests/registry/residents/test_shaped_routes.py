"""The plain current lookup and the verification by code, answered by their routes' shape
handlers: the same answers and problems as FastAPI's handlers of the same routes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest

from services.registry.residents import bodies, service
from shared.auth.revocations import DISABLED, RevocationDocument, StaticRevocationSource, client_key
from shared.contracts.registry import MAX_BULK_ITEMS
from shared.values import resident_code_check_digit
from tests.registry.conftest import ALL_READ, REVOCATIONS_REFRESH_SECONDS, Headers, Register

BASE = "/registry/v1/residents"


@pytest.mark.parametrize(
    "scopes",
    [
        ("registry:read",),
        ("registry:read", "registry:address"),
        ("registry:read", "registry:address", "registry:history"),
        ALL_READ,
    ],
)
async def test_the_fast_answer_is_the_documented_one(
    registry: httpx.AsyncClient, headers: Headers, register: Register, scopes: tuple[str, ...]
) -> None:
    code = await register(individual_number="123456789018")
    fast = await registry.get(f"{BASE}/{code}", headers=headers(*scopes))
    # Any query string sends the request on to the documented route, which ignores this one.
    slow = await registry.get(f"{BASE}/{code}", headers=headers(*scopes), params={"unused": "1"})
    assert fast.status_code == slow.status_code == 200
    assert fast.json() == slow.json()
    assert fast.headers["ETag"] == slow.headers["ETag"]
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert fast.headers["x-request-id"]


async def test_the_protected_address_stays_hidden(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    etag = (await registry.get(f"{BASE}/{code}", headers=headers(*ALL_READ))).headers["ETag"]
    protect = await registry.put(
        f"{BASE}/{code}/protection",
        json={"active": True},
        headers=headers("registry:write", "registry:protected", **{"If-Match": etag}),
    )
    assert protect.status_code == 200
    hidden = (
        await registry.get(f"{BASE}/{code}", headers=headers("registry:read", "registry:address"))
    ).json()
    assert "address" not in hidden
    shown = (await registry.get(f"{BASE}/{code}", headers=headers(*ALL_READ))).json()
    assert shown["address"]["address_lines"] == ["千代田1-1"]


@pytest.mark.parametrize(
    ("path", "header_overrides", "status"),
    [
        ("{code}", {"Authorization": "Basic abc"}, 401),
        ("{code}", {"Authorization": "Bearer not-a-jwt"}, 401),
        ("{code}", {"X-Purpose": "%FF"}, 400),
        ("12345678901", {}, 422),
        ("{other}", {}, 404),
    ],
)
async def test_what_is_not_a_plain_success_gets_the_routes_problem(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    path: str,
    header_overrides: dict[str, str],
    status: int,
) -> None:
    code = await register()
    other = "00000000000" if code != "00000000000" else "11111111111"
    sent = {**headers("registry:read"), **header_overrides}
    response = await registry.get(f"{BASE}/" + path.format(code=code, other=_valid(other)), headers=sent)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "family_name" not in response.text


def _valid(first: str) -> str:
    return first[:10] + str(resident_code_check_digit(first[:10]))


async def test_concurrent_lookups_each_get_their_own_resident(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    # On PostgreSQL the lookups of one event-loop turn share one statement.
    names = ["一郎", "二郎", "三郎", "四郎", "五郎", "六郎"]
    codes = [await register(given_name=name) for name in names]
    asked = [*codes, codes[0], _valid("9999999999")]
    answers = await asyncio.gather(
        *(registry.get(f"{BASE}/{code}", headers=headers(*ALL_READ)) for code in asked)
    )
    assert [answer.status_code for answer in answers] == [200] * 7 + [404]
    assert [answer.json()["given_name"] for answer in answers[:7]] == [*names, names[0]]
    assert [answer.json()["resident_code"] for answer in answers[:7]] == asked[:7]


# --- bulk verification by resident code ------------------------------------------------------


async def _dead(registry: httpx.AsyncClient, headers: Headers, register: Register) -> str:
    code = await register(given_name="次郎")
    etag = (await registry.get(f"{BASE}/{code}", headers=headers(*ALL_READ))).headers["ETag"]
    died = await registry.post(
        f"{BASE}/{code}/events",
        json={"type": "death", "effective_date": "2021-06-01"},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    assert died.status_code == 201, died.text
    return code


@pytest.mark.parametrize("scopes", [("registry:read",), ("registry:read", "registry:address"), ALL_READ])
async def test_a_fast_verification_is_the_documented_one(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    scopes: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alive, dead = await register(), await _dead(registry, headers, register)
    answered: list[str] = []
    verify = service.verify

    async def recorded(*args: Any, items: Any, **kwargs: Any) -> Any:
        answered.append(type(items[0]).__name__)
        return await verify(*args, items=items, **kwargs)

    monkeypatch.setattr(service, "verify", recorded)
    body: dict[str, list[dict[str, str | None]]] = {
        "items": [
            {"resident_code": alive, "reference": "a"},
            {"resident_code": dead},
            {"resident_code": _valid("9999999999"), "reference": None},
            {"resident_code": alive, "reference": "同じ人 again"},
        ]
    }
    fast = await registry.post(f"{BASE}/verifications", json=body, headers=headers(*scopes))
    # A key the shape handler does not take leaves the body to the request model.
    spelled_out = {"items": [{**item, "individual_number": None} for item in body["items"]]}
    slow = await registry.post(f"{BASE}/verifications", json=spelled_out, headers=headers(*scopes))
    assert fast.status_code == slow.status_code == 200, fast.text
    assert answered == ["ByCode", "VerificationItem"]
    assert fast.json() == slow.json()
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert [result["outcome"] for result in fast.json()["results"]] == [
        "found",
        "deceased",
        "not_found",
        "found",
    ]
    disclosed = await registry.get(f"{BASE}/{alive}/access-records", headers=headers("registry:disclosure"))
    operations = [record["operation"] for record in disclosed.json()["items"]]
    assert operations.count("verify_residents") == 2  # one entry per resident, per request


@pytest.mark.parametrize(
    ("body", "header_overrides", "status"),
    [
        ('{"items": [{"resident_code": "{code}"}]', {}, 400),  # not JSON
        ('{"items": [{"resident_code": "12345678901"}]}', {}, 422),  # check digit
        ('{"items": [{"resident_code": "{code}", "other": 1}]}', {}, 422),
        ('{"items": [{"resident_code": "{code}", "reference": "a\\u0001"}]}', {}, 422),
        ('{"items": [{"resident_code": "{code}"}], "more": []}', {}, 422),
        ('{"items": []}', {}, 422),
        ('{"items": [{"individual_number": "123456789018"}]}', {}, 403),
        ('{"items": [{"resident_code": "{code}"}]}', {"X-Purpose": "%FF"}, 400),
        ('{"items": [{"resident_code": "{code}"}]}', {"Authorization": "Bearer not-a-jwt"}, 401),
    ],
)
async def test_a_verification_that_is_not_by_code_alone_gets_the_routes_answer(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    body: str,
    header_overrides: dict[str, str],
    status: int,
) -> None:
    code = await register()
    sent = {**headers("registry:read"), "Content-Type": "application/json", **header_overrides}
    response = await registry.post(
        f"{BASE}/verifications", content=body.replace("{code}", code), headers=sent
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_full_width_digits_are_normalised_by_the_route(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = await registry.post(
        f"{BASE}/verifications", json={"items": [{"resident_code": wide}]}, headers=headers("registry:read")
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["resident_code"] == code


@pytest.mark.parametrize(
    ("body", "by_code"),
    [
        (b'{"items": [{"resident_code": "CODE"}]}', True),
        (b'{"items": [{"resident_code": "CODE", "reference": "r-1"}]}', True),
        (b'{"items": [{"resident_code": "CODE", "reference": null}]}', True),
        (b'{"items": [{"reference": "r-1", "resident_code": "CODE"}]}', True),
        (b'{"items": [{"resident_code": "CODE", "reference": 7}]}', False),
        (b'{"items": [{"resident_code": "CODE", "individual_number": null}]}', False),
        (b'{"items": [{"four_items": {"name": "x", "date_of_birth": "1990-01-01"}}]}', False),
        (b'{"items": [{"resident_code": 12345678903}]}', False),
        (b'{"items": {"resident_code": "CODE"}}', False),
        (b'[{"resident_code": "CODE"}]', False),
        (b"", False),
    ],
)
def test_which_bodies_are_verified_by_code_alone(body: bytes, by_code: bool) -> None:
    code = _valid("1234567890")
    items = bodies.items_by_code(body.replace(b"CODE", code.encode()))
    assert (items is not None) == by_code
    if items is not None:
        assert [item.resident_code for item in items] == [code]


def test_a_body_of_more_than_the_limit_is_left_to_the_route() -> None:
    code = _valid("1234567890")
    items = [{"resident_code": code}]
    assert bodies.items_by_code(orjson.dumps({"items": items * MAX_BULK_ITEMS})) is not None
    assert bodies.items_by_code(orjson.dumps({"items": items * (MAX_BULK_ITEMS + 1)})) is None


async def test_a_revoked_token_is_refused_by_the_shape_handler_too(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    registry_revocations: StaticRevocationSource,
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    registry_revocations.document = RevocationDocument(
        clients={client_key("test-client"): DISABLED}, generated_at=datetime.now(UTC)
    )
    await asyncio.sleep(REVOCATIONS_REFRESH_SECONDS * 3)
    refused = await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:jichi:problem:token-revoked"


async def test_the_request_log_and_metrics_name_the_route(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    metrics = (await registry.get("/metrics")).text
    assert 'route="/registry/v1/residents/{resident_code}"' in metrics
    assert code not in metrics
