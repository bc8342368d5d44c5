"""The change feed: ordered, resumable, minimised to the consumer's scopes."""

from __future__ import annotations

import httpx

from shared.contracts.registry import EventFeed
from tests.registry.conftest import CHIYODA, SAPPORO_CHUO, Headers, Register

FEED = "/registry/v1/events"


async def test_the_feed_is_ordered_and_resumable(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    first = await register()
    second = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    etag = (await registry.get(f"/registry/v1/residents/{first}", headers=headers("registry:read"))).headers[
        "ETag"
    ]
    await registry.post(
        f"/registry/v1/residents/{first}/events",
        json={"type": "move_out", "effective_date": "2024-03-31", "to_local_government_code": SAPPORO_CHUO},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    page = EventFeed.model_validate(
        (await registry.get(FEED, params={"limit": 2}, headers=headers("registry:feed"))).json()
    )
    assert [event.resident_code for event in page.items] == [first, second]
    assert page.has_more
    rest = EventFeed.model_validate(
        (
            await registry.get(FEED, params={"after": page.next_cursor}, headers=headers("registry:feed"))
        ).json()
    )
    assert [event.type for event in rest.items] == ["move_out"]
    assert not rest.has_more
    assert rest.items[0].sequence > page.items[-1].sequence
    idle = EventFeed.model_validate(
        (
            await registry.get(FEED, params={"after": rest.next_cursor}, headers=headers("registry:feed"))
        ).json()
    )
    assert idle.items == []
    assert idle.next_cursor == rest.next_cursor


async def test_personal_fields_follow_the_scopes(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    await register()
    bare = (await registry.get(FEED, headers=headers("registry:feed"))).json()["items"][0]
    assert "resident" not in bare
    assert "to_local_government_code" not in bare
    basic = (await registry.get(FEED, headers=headers("registry:feed", "registry:read"))).json()["items"][0]
    assert basic["resident"]["family_name"] == "山田"
    assert "address" not in basic["resident"]
    full = (
        await registry.get(FEED, headers=headers("registry:feed", "registry:read", "registry:address"))
    ).json()["items"][0]
    assert full["to_local_government_code"] == CHIYODA
    assert full["resident"]["address"]["local_government_code"] == CHIYODA
    assert "individual_number" not in full["resident"]


async def test_the_feed_needs_scope_and_purpose(registry: httpx.AsyncClient, headers: Headers) -> None:
    assert (await registry.get(FEED)).status_code == 401
    assert (await registry.get(FEED, headers=headers("registry:read"))).status_code == 403
    assert (await registry.get(FEED, headers=headers("registry:feed", purpose=None))).status_code == 400
    assert (
        await registry.get(FEED, params={"after": -1}, headers=headers("registry:feed"))
    ).status_code == 422
    assert (
        await registry.get(FEED, params={"limit": 1001}, headers=headers("registry:feed"))
    ).status_code == 422


async def test_a_consumer_follows_only_the_types_it_asks_for(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    """An elections service following resident-code changes reads those events only, and its
    cursor still moves past every other event."""
    first = await register()
    second = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    etag = (await registry.get(f"/registry/v1/residents/{first}", headers=headers("registry:read"))).headers[
        "ETag"
    ]
    changed = await registry.post(
        f"/registry/v1/residents/{first}/resident-code-changes",
        json={"effective_date": "2025-01-10"},
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    assert changed.status_code == 201, changed.text
    new_code = changed.json()["resident_code"]
    await register(given_name="次郎", given_name_kana="ジロウ")
    only = {"type": "resident_code_change"}
    page = EventFeed.model_validate(
        (await registry.get(FEED, params={**only, "limit": 1}, headers=headers("registry:feed"))).json()
    )
    assert [(event.type, event.resident_code, event.former_resident_code) for event in page.items] == [
        ("resident_code_change", new_code, first)
    ]
    everything = EventFeed.model_validate((await registry.get(FEED, headers=headers("registry:feed"))).json())
    # No more code changes: the cursor is at the head, past the last registration.
    assert not page.has_more
    assert page.next_cursor == everything.items[-1].sequence
    assert second in {event.resident_code for event in everything.items}
    idle = EventFeed.model_validate(
        (
            await registry.get(
                FEED, params={**only, "after": page.next_cursor}, headers=headers("registry:feed")
            )
        ).json()
    )
    assert (idle.items, idle.next_cursor, idle.has_more) == ([], page.next_cursor, False)
    several = await registry.get(
        FEED, params=[("type", "birth"), ("type", "resident_code_change")], headers=headers("registry:feed")
    )
    asked = {"birth", "resident_code_change"}
    assert [event["sequence"] for event in several.json()["items"]] == [
        event.sequence for event in everything.items if event.type in asked
    ]
    unknown = await registry.get(FEED, params={"type": "coronation"}, headers=headers("registry:feed"))
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
