"""The plain current lookup answered in plain ASGI: the same answer as the documented route."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shared.values import resident_code_check_digit
from tests.registry.conftest import ALL_READ, Headers, Register

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
