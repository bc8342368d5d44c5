"""Subscriptions: only the members' events, only the fields the scopes allow, in bulk, per client."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry import tables
from shared.contracts.registry import SubscribedEventFeed, SubscriptionCreated
from tests.registry.conftest import SAPPORO_CHUO, Headers, Register
from tests.registry.residents.test_missing_events import change_code

SUBSCRIPTIONS = "/registry/v1/subscriptions"
PENSION = "jichi:purpose:pension-benefit"
SUBSCRIBER = ("registry:subscribe", "registry:read")


async def create(
    registry: httpx.AsyncClient, headers: Headers, *scopes: str, **body: Any
) -> SubscriptionCreated:
    response = await registry.post(
        SUBSCRIPTIONS, json={"name": "recipients", **body}, headers=headers(*(scopes or SUBSCRIBER))
    )
    assert response.status_code == 201, response.text
    assert response.headers["Location"].endswith(response.json()["subscription_id"])
    return SubscriptionCreated.model_validate(response.json())


async def watch(
    registry: httpx.AsyncClient, headers: Headers, subscription_id: str, *codes: str, **kw: Any
) -> None:
    response = await registry.post(
        f"{SUBSCRIPTIONS}/{subscription_id}/members",
        json={"items": [{"resident_id": code, "purpose": PENSION} for code in codes]},
        headers=headers(*SUBSCRIBER, **kw),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"changed": len(set(codes))}


async def events(
    registry: httpx.AsyncClient, headers: Headers, subscription_id: str, *scopes: str, **params: Any
) -> SubscribedEventFeed:
    response = await registry.get(
        f"{SUBSCRIPTIONS}/{subscription_id}/events", params=params, headers=headers(*(scopes or SUBSCRIBER))
    )
    assert response.status_code == 200, response.text
    return SubscribedEventFeed.model_validate(response.json())


async def die(registry: httpx.AsyncClient, headers: Headers, code: str, date: str = "2025-01-10") -> None:
    etag = (await registry.get(f"/registry/v1/residents/{code}", headers=headers("registry:read"))).headers[
        "ETag"
    ]
    response = await registry.post(
        f"/registry/v1/residents/{code}/events",
        json={"type": "death", "effective_date": date},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    assert response.status_code == 201, response.text


async def move_out(registry: httpx.AsyncClient, headers: Headers, code: str) -> None:
    etag = (await registry.get(f"/registry/v1/residents/{code}", headers=headers("registry:read"))).headers[
        "ETag"
    ]
    response = await registry.post(
        f"/registry/v1/residents/{code}/events",
        json={"type": "move_out", "effective_date": "2024-03-31", "to_local_government_code": SAPPORO_CHUO},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    assert response.status_code == 201, response.text


async def test_a_subscription_receives_only_its_members_events(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    watched = await register()
    other = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    subscription = await create(registry, headers)
    assert subscription.webhook_secret is None
    assert not subscription.pseudonymous
    await watch(registry, headers, subscription.subscription_id, watched)
    await die(registry, headers, other)
    await move_out(registry, headers, watched)
    page = await events(registry, headers, subscription.subscription_id)
    # The watched resident's birth (recorded before the subscription) and move-out; nothing of the other.
    assert [(event.resident_code, event.type) for event in page.items] == [
        (watched, "birth"),
        (watched, "move_out"),
    ]
    assert all(event.purpose == PENSION for event in page.items)
    assert not page.has_more
    rest = await events(registry, headers, subscription.subscription_id, after=page.next_cursor)
    assert rest.items == []
    assert rest.next_cursor == page.next_cursor


async def test_fields_follow_the_subscribers_scopes(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    bare = await create(registry, headers, "registry:subscribe")
    await watch(registry, headers, bare.subscription_id, code)
    document = (
        await registry.get(
            f"{SUBSCRIPTIONS}/{bare.subscription_id}/events", headers=headers("registry:subscribe")
        )
    ).json()["items"][0]
    assert "resident" not in document
    assert "to_local_government_code" not in document
    basic = (
        await events(registry, headers, bare.subscription_id, "registry:subscribe", "registry:read")
    ).items[0]
    assert basic.resident is not None
    assert basic.resident.family_name == "山田"
    raw = (
        await registry.get(
            f"{SUBSCRIPTIONS}/{bare.subscription_id}/events",
            headers=headers("registry:subscribe", "registry:read"),
        )
    ).json()["items"][0]
    assert "address" not in raw["resident"]
    assert "individual_number" not in raw["resident"]


async def test_each_event_is_logged_under_its_members_purpose(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    subscription = await create(registry, headers)
    await watch(registry, headers, subscription.subscription_id, code)
    await events(registry, headers, subscription.subscription_id)
    engine = create_async_engine(registry_db)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(tables.access_log).where(tables.access_log.c.operation == "list_subscription_events")
            )
        ).all()
    await engine.dispose()
    assert [(row.resident_code, row.client_id) for row in rows] == [(code, "test-client")]
    assert rows[0].purpose.startswith(PENSION)


async def test_members_are_added_and_removed_in_bulk(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    first = await register()
    second = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    subscription = await create(registry, headers)
    await watch(registry, headers, subscription.subscription_id, first, second, first)
    # Watching again (or for another purpose) adds nobody twice.
    await watch(registry, headers, subscription.subscription_id, first)
    removed = await registry.post(
        f"{SUBSCRIPTIONS}/{subscription.subscription_id}/member-removals",
        json={"resident_ids": [first, "12345678903"]},
        headers=headers(*SUBSCRIBER),
    )
    assert removed.status_code == 200
    assert removed.json() == {"changed": 1}
    page = await events(registry, headers, subscription.subscription_id)
    assert [event.resident_code for event in page.items] == [second]


async def test_bad_input_changes_nothing(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    subscription = await create(registry, headers)
    members = f"{SUBSCRIPTIONS}/{subscription.subscription_id}/members"
    bad_check_digit = code[:-1] + str((int(code[-1]) + 1) % 10)
    cases = [
        (
            {
                "items": [
                    {"resident_id": code, "purpose": PENSION},
                    {"resident_id": bad_check_digit, "purpose": PENSION},
                ]
            },
            "invalid-resident-id",
        ),
        ({"items": [{"resident_id": code, "purpose": "jichi:purpose:no-such-purpose"}]}, "unknown-purpose"),
        ({"items": [{"resident_id": "１２３", "purpose": PENSION}]}, "validation-failed"),
        ({"items": []}, "validation-failed"),
        ({"items": [{"resident_id": code, "purpose": PENSION, "extra": 1}]}, "validation-failed"),
    ]
    for body, slug in cases:
        response = await registry.post(members, json=body, headers=headers(*SUBSCRIBER))
        assert response.status_code in (400, 422), response.text
        assert response.json()["type"].endswith(slug), response.text
    assert (await events(registry, headers, subscription.subscription_id)).items == []
    too_many = {"items": [{"resident_id": code, "purpose": PENSION}] * 10_001}
    assert (await registry.post(members, json=too_many, headers=headers(*SUBSCRIBER))).status_code == 422
    assert (
        await registry.post(
            SUBSCRIPTIONS, json={"name": "x", "webhook_url": "ftp://x"}, headers=headers(*SUBSCRIBER)
        )
    ).status_code == 422


async def test_a_subscription_is_its_clients_alone(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    subscription = await create(registry, headers)
    path = f"{SUBSCRIPTIONS}/{subscription.subscription_id}"
    assert (await registry.get(path, headers=headers(*SUBSCRIBER))).json()["name"] == "recipients"
    stranger = headers(*SUBSCRIBER, client_id="another-agency")
    for response in (
        await registry.get(path, headers=stranger),
        await registry.get(f"{path}/events", headers=stranger),
        await registry.post(
            f"{path}/members",
            json={"items": [{"resident_id": "12345678903", "purpose": PENSION}]},
            headers=stranger,
        ),
        await registry.get(f"{SUBSCRIPTIONS}/{'0' * 32}", headers=headers(*SUBSCRIBER)),
    ):
        assert response.status_code == 404
        assert response.json()["type"].endswith("subscription-not-found")
    assert (await registry.get(path)).status_code == 401
    assert (await registry.get(path, headers=headers("registry:read", "registry:feed"))).status_code == 403
    assert (
        await registry.post(SUBSCRIPTIONS, json={"name": "x"}, headers=headers("registry:read"))
    ).status_code == 403


async def test_creating_is_idempotent(registry: httpx.AsyncClient, headers: Headers) -> None:
    body = {"name": "recipients", "webhook_url": "https://93.184.215.14/hook"}
    first = await registry.post(
        SUBSCRIPTIONS, json=body, headers=headers(*SUBSCRIBER, **{"Idempotency-Key": "k1"})
    )
    again = await registry.post(
        SUBSCRIPTIONS, json=body, headers=headers(*SUBSCRIBER, **{"Idempotency-Key": "k1"})
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["webhook_secret"].startswith("whsec_")
    shown = (
        await registry.get(f"{SUBSCRIPTIONS}/{first.json()['subscription_id']}", headers=headers(*SUBSCRIBER))
    ).json()
    assert "webhook_secret" not in shown


async def test_a_pseudonymous_client_sees_and_uses_only_its_own_pseudonyms(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    pension = {"pseudonym_domain": "pension-agency"}
    feed = await registry.get(
        "/registry/v1/events", headers=headers("registry:feed", "registry:read", **pension)
    )
    pseudonym = feed.json()["items"][0]["resident_code"]
    assert pseudonym != code
    assert len(pseudonym) == 34
    assert feed.json()["items"][0]["resident"]["resident_code"] == pseudonym
    household = feed.json()["items"][0]["resident"].get("household")  # needs registry:address
    assert household is None or household["household_id"].startswith("h")
    tax = await registry.get("/registry/v1/events", headers=headers("registry:feed", pseudonym_domain="tax"))
    assert tax.json()["items"][0]["resident_code"] not in (code, pseudonym)
    subscription = (
        await registry.post(
            SUBSCRIPTIONS, json={"name": "recipients"}, headers=headers(*SUBSCRIBER, **pension)
        )
    ).json()
    assert subscription["pseudonymous"] is True
    members = f"{SUBSCRIPTIONS}/{subscription['subscription_id']}/members"
    for resident_id in (code, tax.json()["items"][0]["resident_code"]):
        refused = await registry.post(
            members,
            json={"items": [{"resident_id": resident_id, "purpose": PENSION}]},
            headers=headers(*SUBSCRIBER, **pension),
        )
        assert refused.status_code == 422
        assert refused.json()["type"].endswith("invalid-resident-id")
    await watch(registry, headers, subscription["subscription_id"], pseudonym, **pension)
    await move_out(registry, headers, code)
    page = await registry.get(
        f"{SUBSCRIPTIONS}/{subscription['subscription_id']}/events", headers=headers(*SUBSCRIBER, **pension)
    )
    assert [(item["resident_code"], item["type"]) for item in page.json()["items"]] == [
        (pseudonym, "birth"),
        (pseudonym, "move_out"),
    ]
    assert code not in page.text


async def test_a_subscription_follows_a_resident_code_change(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    """Members are kept by code: a code change carries them over, so the agency receives the
    change's event with its new pseudonym and the old one, and the resident's later events."""
    code = await register()
    pension = {"pseudonym_domain": "pension-agency"}
    feed = await registry.get("/registry/v1/events", headers=headers("registry:feed", **pension))
    old = feed.json()["items"][0]["resident_code"]
    plain = await create(registry, headers)
    await watch(registry, headers, plain.subscription_id, code)
    agency = (
        await registry.post(
            SUBSCRIPTIONS, json={"name": "recipients"}, headers=headers(*SUBSCRIBER, **pension)
        )
    ).json()["subscription_id"]
    await watch(registry, headers, agency, old, **pension)
    changed = await change_code(registry, headers, code)
    assert changed.status_code == 201, changed.text
    new_code = changed.json()["resident_code"]
    await move_out(registry, headers, new_code)
    page = await registry.get(f"{SUBSCRIPTIONS}/{agency}/events", headers=headers(*SUBSCRIBER, **pension))
    items = page.json()["items"]
    assert [item["type"] for item in items] == ["birth", "resident_code_change", "move_out"]
    new = items[1]["resident_code"]
    assert items[1]["former_resident_code"] == old
    assert new != old
    assert items[2]["resident_code"] == new
    assert code not in page.text
    assert new_code not in page.text
    mine = await registry.get(f"{SUBSCRIPTIONS}/{plain.subscription_id}/events", headers=headers(*SUBSCRIBER))
    assert [(i["resident_code"], i.get("former_resident_code")) for i in mine.json()["items"][1:]] == [
        (new_code, code),
        (new_code, None),
    ]


async def test_a_webhook_must_point_at_the_public_internet(
    registry: httpx.AsyncClient, headers: Headers
) -> None:
    """The platform's own network (loopback, private ranges, the cloud metadata service, IPv6 local
    and IPv4-mapped forms) is refused when the subscription is made."""
    for url in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://registry.localhost./hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:192.168.1.1]/hook",
        "http://user@100.64.0.1/hook",
    ):
        response = await registry.post(
            SUBSCRIPTIONS, json={"name": "inside", "webhook_url": url}, headers=headers(*SUBSCRIBER)
        )
        assert response.status_code == 422, (url, response.text)
        assert response.json()["type"].endswith("webhook-address-not-allowed")
