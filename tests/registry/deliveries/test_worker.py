"""The deliverer: only the members' events, signed; retried after failures with backoff, never sent
twice once acknowledged; dead after its attempts, replayable; one access-log entry per event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from standardwebhooks.webhooks import Webhook

from services.registry import tables
from services.registry.deliveries.worker import Deliverer
from services.registry.settings import RegistrySettings
from shared.contracts.registry import SubscriptionCreated
from shared.db.engine import Database, create_engine
from tests.registry.conftest import Headers, Register
from tests.registry.subscriptions.test_endpoints import SUBSCRIBER, create, die, move_out, watch

# A public address literal, as a deployment allows; the mock transport answers, nothing leaves the machine.
HOOK = "http://93.184.215.14/hook"


async def moved_watched_resident(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> tuple[str, SubscriptionCreated]:
    """A resident watched by a new subscription with a webhook, then moved out."""
    code = await register()
    subscription = await create(registry, headers, webhook_url=HOOK)
    await watch(registry, headers, subscription.subscription_id, code)
    await move_out(registry, headers, code)
    return code, subscription


@dataclass
class Receiver:
    """A webhook receiver that answers what `answers` says, then 204; it keeps what it acknowledged."""

    answers: list[int | type[httpx.TransportError]] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)
    acknowledged: list[dict[str, Any]] = field(default_factory=list)
    on_request: Callable[[], None] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        if self.on_request is not None:
            self.on_request()
        answer = self.answers.pop(0) if self.answers else 204
        if isinstance(answer, type):
            raise answer("receiver down", request=request)
        if 200 <= answer < 300:
            self.acknowledged.append(orjson.loads(request.content))
        return httpx.Response(answer)


@pytest.fixture
async def receiver() -> Receiver:
    return Receiver()


Make = Callable[..., Deliverer]


@pytest.fixture
async def deliverer(registry_db: str, receiver: Receiver) -> AsyncIterator[Make]:
    database = Database(create_engine(registry_db))
    http = httpx.AsyncClient(transport=httpx.MockTransport(receiver.handle))

    def make(**settings: Any) -> Deliverer:
        values: dict[str, Any] = {"deliver_retry_base_seconds": 0.05, "deliver_max_attempts": 3, **settings}
        return Deliverer(database, RegistrySettings(database_url=registry_db, **values), http)

    yield make
    await http.aclose()
    await database.dispose()


async def test_a_delivery_carries_only_the_members_events_signed(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    watched = await register()
    other = await register(given_name="花子", given_name_kana="ハナコ", sex="female")
    subscription = await create(registry, headers, "registry:subscribe", "registry:read", webhook_url=HOOK)
    await watch(registry, headers, subscription.subscription_id, watched, other)
    await registry.post(
        f"/registry/v1/subscriptions/{subscription.subscription_id}/member-removals",
        json={"resident_ids": [other]},
        headers=headers(*SUBSCRIBER),
    )
    await die(registry, headers, other)
    await move_out(registry, headers, watched)
    assert await deliverer().run_once() == 1
    [request] = receiver.received
    assert str(request.url) == HOOK
    payload = Webhook(subscription.webhook_secret or "").verify(request.content, dict(request.headers))
    assert request.headers["webhook-id"] == payload["data"]["delivery_id"]
    assert payload["type"] == "registry.subscription.events"
    # Only what happened after the subscription began, of the member, with the scopes it was made with.
    [event] = payload["data"]["items"]
    assert (event["resident_code"], event["type"]) == (watched, "move_out")
    assert event["resident"]["family_name"] == "山田"
    assert "to_local_government_code" not in event
    assert "address" not in event["resident"]
    assert await deliverer().run_once() == 0
    assert len(receiver.received) == 1


async def test_failures_are_retried_with_backoff_and_an_acknowledged_delivery_never_again(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    code, subscription = await moved_watched_resident(registry, headers, register)
    receiver.answers = [500, httpx.ConnectError]
    worker = deliverer(deliver_retry_base_seconds=0.3, deliver_max_attempts=5)
    assert await worker.run_once() == 1  # 500
    assert await worker.run_once() == 0  # not due yet: backoff
    await asyncio.sleep(0.35)
    assert await worker.run_once() == 1  # connection refused
    await asyncio.sleep(0.35)
    assert await worker.run_once() == 0  # the second delay is twice the first
    await asyncio.sleep(0.3)
    assert await worker.run_once() == 1  # acknowledged
    ids = {request.headers["webhook-id"] for request in receiver.received}
    assert len(receiver.received) == 3
    assert len(ids) == 1
    assert len(receiver.acknowledged) == 1
    await die(registry, headers, code)
    assert await worker.run_once() == 1
    assert [item["type"] for delivery in receiver.acknowledged for item in delivery["data"]["items"]] == [
        "move_out",
        "death",
    ]
    assert await worker.run_once() == 0
    deliveries = (
        await registry.get(
            f"/registry/v1/subscriptions/{subscription.subscription_id}/deliveries",
            headers=headers(*SUBSCRIBER),
        )
    ).json()["items"]
    assert [(item["status"], item["attempts"]) for item in deliveries] == [("delivered", 3), ("delivered", 1)]


async def test_a_later_batch_waits_for_the_one_being_retried(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    code, _subscription = await moved_watched_resident(registry, headers, register)
    receiver.answers = [503]
    worker = deliverer(deliver_retry_base_seconds=0.2)
    await worker.run_once()
    await die(registry, headers, code)
    assert await worker.run_once() == 0
    await asyncio.sleep(0.25)
    assert await worker.run_once() == 2
    assert [d["data"]["items"][0]["type"] for d in receiver.acknowledged] == ["move_out", "death"]


async def test_a_dead_delivery_is_listed_and_replayed(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    _code, subscription = await moved_watched_resident(registry, headers, register)
    receiver.answers = [500, 500]
    worker = deliverer(deliver_max_attempts=2, deliver_retry_base_seconds=0.01)
    await worker.run_once()
    await asyncio.sleep(0.02)
    await worker.run_once()
    base = f"/registry/v1/subscriptions/{subscription.subscription_id}/deliveries"
    dead = (await registry.get(base, params={"status": "dead"}, headers=headers(*SUBSCRIBER))).json()["items"]
    assert [(item["status"], item["attempts"], item["last_error"]) for item in dead] == [
        ("dead", 2, "HTTP 500")
    ]
    assert await worker.run_once() == 0
    delivery_id = dead[0]["delivery_id"]
    replayed = await registry.post(f"{base}/{delivery_id}/replay", headers=headers(*SUBSCRIBER))
    assert replayed.status_code == 200
    assert replayed.json()["status"] == "pending"
    again = await registry.post(f"{base}/{delivery_id}/replay", headers=headers(*SUBSCRIBER))
    assert again.status_code == 409
    assert again.json()["type"].endswith("delivery-not-dead")
    missing = await registry.post(f"{base}/msg_{'0' * 32}/replay", headers=headers(*SUBSCRIBER))
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("delivery-not-found")
    assert await worker.run_once() == 1
    assert [request.headers["webhook-id"] for request in receiver.received] == [delivery_id] * 3
    assert len(receiver.acknowledged) == 1
    bad = await registry.get(base, params={"status": "lost"}, headers=headers(*SUBSCRIBER))
    assert bad.status_code == 422


async def test_each_delivered_event_is_an_access_log_entry(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, registry_db: str
) -> None:
    code, _subscription = await moved_watched_resident(registry, headers, register)
    await die(registry, headers, code)
    await deliverer().run_once()
    engine = create_async_engine(registry_db)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(tables.access_log).where(
                    tables.access_log.c.operation == "deliver_subscription_events"
                )
            )
        ).all()
    await engine.dispose()
    assert [(row.resident_code, row.client_id) for row in rows] == [(code, "test-client")] * 2
    assert len({row.request_id for row in rows}) == 1
    assert rows[0].request_id.startswith("msg_")


async def test_two_deliverers_send_each_delivery_once(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    codes = [await register(given_name=name) for name in ("一郎", "二郎", "三郎")]
    subscription = await create(registry, headers, webhook_url=HOOK)
    await watch(registry, headers, subscription.subscription_id, *codes)
    for code in codes:
        await move_out(registry, headers, code)
    first, second = deliverer(deliver_batch_events=1), deliverer(deliver_batch_events=1)
    await asyncio.gather(first.run_once(), second.run_once(), first.run_once())
    while await first.run_once():
        pass
    sent = [request.headers["webhook-id"] for request in receiver.received]
    assert len(sent) == len(set(sent)) == 3


async def test_a_stopping_deliverer_ends_after_the_attempt_under_way(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    codes = [await register(given_name=name) for name in ("一郎", "二郎")]
    subscription = await create(registry, headers, webhook_url=HOOK)
    await watch(registry, headers, subscription.subscription_id, *codes)
    for code in codes:
        await move_out(registry, headers, code)
    stop = asyncio.Event()
    receiver.on_request = stop.set  # the process is told to stop while its first attempt is under way
    await asyncio.wait_for(deliverer(deliver_batch_events=1).run(stop), timeout=10)
    assert len(receiver.acknowledged) == 1
    # Its lease was released: another deliverer takes the rest at once.
    assert await deliverer().run_once() == 1
    assert len(receiver.acknowledged) == 2


async def test_a_webhook_resolving_inside_the_network_is_not_posted_to(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    """The resolver reads forms the registration's check of literals does not (2130706433 is
    127.0.0.1), and a name registered while public may point inside the network later: the
    deliverer judges the addresses the host resolves to, at each attempt."""
    code = await register()
    subscription = await create(registry, headers, webhook_url="http://2130706433:8000/hook")
    await watch(registry, headers, subscription.subscription_id, code)
    await move_out(registry, headers, code)
    await deliverer(deliver_max_attempts=1).run_once()
    assert receiver.received == []
    base = f"/registry/v1/subscriptions/{subscription.subscription_id}/deliveries"
    dead = (await registry.get(base, params={"status": "dead"}, headers=headers(*SUBSCRIBER))).json()["items"]
    assert [item["last_error"] for item in dead] == ["webhook host resolves to an address that is not public"]


async def test_a_development_machine_may_post_to_its_own_receivers(
    registry: httpx.AsyncClient, headers: Headers, register: Register, deliverer: Make, receiver: Receiver
) -> None:
    code = await register()
    subscription = await create(registry, headers, webhook_url="http://2130706433:8000/hook")
    await watch(registry, headers, subscription.subscription_id, code)
    await move_out(registry, headers, code)
    assert await deliverer(webhook_private_addresses_allowed=True).run_once() == 1
    assert [str(request.url) for request in receiver.received] == ["http://2130706433:8000/hook"]
