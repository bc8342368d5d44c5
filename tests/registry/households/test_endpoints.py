"""Households over HTTP: the read (personal data: purpose, access log) and 世帯主変更, 世帯合併,
世帯分離 as dated events of each member concerned."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from random import Random
from typing import Any

import httpx
import pytest

from shared.contracts.registry import HouseholdChange, HouseholdRecord
from shared.values import issue_resident_code
from tests.registry.conftest import ALL_READ, Headers, Register
from tests.registry.residents.test_endpoints import read

BASE = "/registry/v1/households"
STRANGER = issue_resident_code(Random(19))  # a valid code no one here has
READ = ("registry:read", "registry:address")


async def family(register: Register, *, head_birth: str = "1970-01-01") -> tuple[str, list[str]]:
    """A household: a head, a spouse and a child; its id and the members' codes (head first)."""
    head = await register(date_of_birth=head_birth, effective_date=head_birth)
    household = await household_of_resident(register, head)
    spouse = await register(
        given_name="花子",
        given_name_kana="ハナコ",
        sex="female",
        household={"household_id": household, "head_resident_code": head, "relationship": "妻"},
    )
    child = await register(
        given_name="一郎",
        given_name_kana="イチロウ",
        date_of_birth="2005-06-01",
        effective_date="2005-06-01",
        household={"household_id": household, "head_resident_code": head, "relationship": "子"},
    )
    return household, [head, spouse, child]


_HOUSEHOLDS: dict[str, str] = {}


async def household_of_resident(register: Register, code: str) -> str:
    return _HOUSEHOLDS[code]


@pytest.fixture
def register(registry: httpx.AsyncClient, headers: Headers) -> Register:
    async def make(**overrides: Any) -> str:
        from tests.registry.conftest import person

        response = await registry.post(
            "/registry/v1/residents", json=person(**overrides), headers=headers("registry:write")
        )
        assert response.status_code == 201, response.text
        code: str = response.json()["resident_code"]
        body = (await read(registry, headers, code)).json()
        _HOUSEHOLDS[code] = body["household"]["household_id"]
        return code

    return make


async def get(client: httpx.AsyncClient, headers: Headers, household: str, *scopes: str) -> httpx.Response:
    return await client.get(f"{BASE}/{household}", headers=headers(*(scopes or READ)))


async def post(
    client: httpx.AsyncClient,
    headers: Headers,
    household: str,
    event: dict[str, Any],
    *,
    etag: str | None = None,
    **extra: str,
) -> httpx.Response:
    if etag is None:
        etag = (await get(client, headers, household)).headers["ETag"]
    return await client.post(
        f"{BASE}/{household}/events",
        json=event,
        headers=headers("registry:write", **{"If-Match": etag}, **extra),
    )


async def test_a_household_is_read_with_a_purpose_and_logged(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (head, spouse, child) = await family(register)
    response = await get(registry, headers, household)
    assert response.status_code == 200, response.text
    body = HouseholdRecord.model_validate(response.json())
    assert body.head_resident_code == head
    assert [(m.resident_code, m.relationship) for m in body.members] == [
        (head, "世帯主"),
        *sorted([(spouse, "妻"), (child, "子")]),
    ]
    assert body.address is not None
    assert body.address.address_lines == ["千代田1-1"]
    missing_purpose = await registry.get(f"{BASE}/{household}", headers=headers(*READ, purpose=None))
    assert missing_purpose.json()["type"] == "urn:jichi:problem:purpose-required"
    no_scope = await get(registry, headers, household, "registry:read")
    assert no_scope.status_code == 403
    unknown = await get(registry, headers, "H000000000000")
    assert unknown.json()["type"] == "urn:jichi:problem:household-not-found"
    malformed = await get(registry, headers, "X1")
    assert malformed.status_code == 422
    records = await registry.get(
        f"/registry/v1/residents/{spouse}/access-records", headers=headers("registry:disclosure")
    )
    operations = [item["operation"] for item in records.json()["items"]]
    assert "get_household" in operations


async def test_a_protected_member_is_left_out_without_the_scope(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (_head, spouse, _child) = await family(register)
    etag = (await read(registry, headers, spouse)).headers["ETag"]
    protected = await registry.put(
        f"/registry/v1/residents/{spouse}/protection",
        json={"active": True},
        headers=headers("registry:write", "registry:protected", **{"If-Match": etag}),
    )
    assert protected.status_code == 200
    plain = (await get(registry, headers, household)).json()
    assert spouse not in [member["resident_code"] for member in plain["members"]]
    full = (await get(registry, headers, household, *READ, "registry:protected")).json()
    assert spouse in [member["resident_code"] for member in full["members"]]


async def test_head_change_gives_every_member_a_dated_event(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (head, spouse, child) = await family(register)
    event = {
        "type": "head_change",
        "effective_date": "2024-04-01",
        "head_resident_code": spouse,
        "relationships": {head: "夫", child: "子"},
    }
    response = await post(registry, headers, household, event)
    assert response.status_code == 201, response.text
    change = HouseholdChange.model_validate(response.json())
    assert [event.type for event in change.events] == ["head_change"] * 3
    after = (await get(registry, headers, household)).json()
    assert after["head_resident_code"] == spouse
    assert response.headers["ETag"] == (await get(registry, headers, household)).headers["ETag"]
    relationships = {m["resident_code"]: m["relationship"] for m in after["members"]}
    assert relationships == {spouse: "世帯主", head: "夫", child: "子"}
    # The household as it stood before the change is still answerable.
    before = (await read(registry, headers, child, *ALL_READ, as_of="2024-03-31")).json()
    assert before["household"]["head_resident_code"] == head
    now = (await read(registry, headers, child)).json()
    assert now["household"] == {"household_id": household, "head_resident_code": spouse, "relationship": "子"}
    assert now["residence_history"][-1]["from_date"] != "2024-04-01"  # the address did not change


@pytest.mark.parametrize(
    ("make_event", "slug"),
    [
        (
            lambda h, s, c: {"head_resident_code": s, "relationships": {h: "夫"}},
            "household-relationships-mismatch",
        ),
        (
            lambda h, s, c: {
                "head_resident_code": s,
                "relationships": {h: "夫", c: "子", STRANGER: "子"},
            },
            "not-a-household-member",
        ),
        (
            lambda h, s, c: {"head_resident_code": STRANGER, "relationships": {}},
            "not-a-household-member",
        ),
    ],
)
async def test_bad_head_changes_change_nothing(
    registry: httpx.AsyncClient, headers: Headers, register: Register, make_event: Any, slug: str
) -> None:
    household, (head, spouse, child) = await family(register)
    before = await get(registry, headers, household)
    event = {"type": "head_change", "effective_date": "2024-04-01", **make_event(head, spouse, child)}
    response = await post(registry, headers, household, event)
    assert response.status_code == 422, response.text
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    assert (await get(registry, headers, household)).headers["ETag"] == before.headers["ETag"]


async def test_merger_and_separation(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (head, spouse, child) = await family(register)
    grandmother = await register(
        given_name="ウメ",
        given_name_kana="ウメ",
        sex="female",
        date_of_birth="1940-01-01",
        effective_date="1940-01-01",
    )
    her_household = await household_of_resident(register, grandmother)
    same = await post(
        registry,
        headers,
        household,
        {
            "type": "household_merger",
            "effective_date": "2024-04-01",
            "merged_household_id": household,
            "relationships": {},
        },
    )
    assert same.json()["type"] == "urn:jichi:problem:same-household"
    merged = await post(
        registry,
        headers,
        household,
        {
            "type": "household_merger",
            "effective_date": "2024-04-01",
            "merged_household_id": her_household,
            "relationships": {grandmother: "母"},
        },
    )
    assert merged.status_code == 201, merged.text
    members = (await get(registry, headers, household)).json()["members"]
    assert {m["resident_code"]: m["relationship"] for m in members}[grandmother] == "母"
    assert (await get(registry, headers, her_household)).status_code == 404
    # The head cannot leave; the child and the grandmother can.
    head_leaves = await post(
        registry,
        headers,
        household,
        {
            "type": "household_separation",
            "effective_date": "2024-05-01",
            "head_resident_code": head,
            "relationships": {},
        },
    )
    assert head_leaves.json()["type"] == "urn:jichi:problem:household-head-cannot-leave"
    separated = await post(
        registry,
        headers,
        household,
        {
            "type": "household_separation",
            "effective_date": "2024-05-01",
            "head_resident_code": child,
            "relationships": {grandmother: "祖母"},
        },
    )
    assert separated.status_code == 201, separated.text
    new_household = separated.json()["households"][0]["household_id"]
    assert new_household != household
    theirs = (await get(registry, headers, new_household)).json()
    assert {m["resident_code"]: m["relationship"] for m in theirs["members"]} == {
        child: "世帯主",
        grandmother: "祖母",
    }
    ours = (await get(registry, headers, household)).json()
    assert sorted(m["resident_code"] for m in ours["members"]) == sorted([head, spouse])
    events = await registry.get(
        f"/registry/v1/residents/{grandmother}/events", headers=headers("registry:read", "registry:history")
    )
    assert [e["type"] for e in events.json()["items"]] == [
        "birth",
        "household_merger",
        "household_separation",
    ]


async def test_if_match_dates_and_concurrency(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (head, spouse, child) = await family(register)
    event = {
        "type": "head_change",
        "effective_date": "2024-04-01",
        "head_resident_code": spouse,
        "relationships": {head: "夫", child: "子"},
    }
    missing = await registry.post(f"{BASE}/{household}/events", json=event, headers=headers("registry:write"))
    assert missing.status_code == 428
    stale = await post(registry, headers, household, event, etag='"hstale"')
    assert stale.status_code == 412
    early = await post(registry, headers, household, {**event, "effective_date": "1980-01-01"})
    assert early.json()["type"] == "urn:jichi:problem:event-out-of-order"
    future = await post(
        registry,
        headers,
        household,
        {**event, "effective_date": (date.today() + timedelta(days=30)).isoformat()},
    )
    assert future.json()["type"] == "urn:jichi:problem:event-date-in-future"
    no_write = await registry.post(f"{BASE}/{household}/events", json=event, headers=headers("registry:read"))
    assert no_write.status_code == 403
    unknown_type = await post(registry, headers, household, {**event, "type": "household_dissolution"})
    assert unknown_type.status_code == 422
    etag = (await get(registry, headers, household)).headers["ETag"]
    back = {
        "type": "head_change",
        "effective_date": "2024-04-01",
        "head_resident_code": head,
        "relationships": {spouse: "妻", child: "子"},
    }
    answers = await asyncio.gather(
        post(registry, headers, household, event, etag=etag),
        post(registry, headers, household, back, etag=etag),
    )
    assert sorted(answer.status_code for answer in answers) == [201, 412]


async def test_a_retried_household_event_is_answered_once(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    household, (head, spouse, child) = await family(register)
    etag = (await get(registry, headers, household)).headers["ETag"]
    event = {
        "type": "head_change",
        "effective_date": "2024-04-01",
        "head_resident_code": spouse,
        "relationships": {head: "夫", child: "子"},
    }
    first = await post(registry, headers, household, event, etag=etag, **{"Idempotency-Key": "hh-1"})
    again = await post(registry, headers, household, event, etag=etag, **{"Idempotency-Key": "hh-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    feed = (await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed"))).json()
    assert sum(1 for item in feed["items"] if item["type"] == "head_change") == 3
