"""Subscription deliveries (issue 19): webhook pushes of a burst of watched residents' events, as a
ratio to reading the same events from the raw change feed, in the same run.

BENCH_WATCHED residents (default 1,000,000, at most the register's) are watched by one subscription
whose webhook is a local receiver (this process, answering 204); the members are added through the
gateway, 10,000 a request. Then a burst of BENCH_BURST events (default 100,000) of watched residents
is written to the outbox in one transaction (copies of their recorded events under new feed
positions: the register's write path is measured by its own scenarios) and the deliverer process
that `make run` starts pushes them. Measured: from the burst's commit until the receiver has
acknowledged every event; the baseline reads the same events through the gateway from
`GET /registry/v1/events` (1,000 a page). Both write an access-log entry per event.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import asyncpg
import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.bench.context import BenchContext
from tests.bench.registry import PURPOSE, lookup_requests, resident_codes
from tests.support.servers import serving

WATCHED = int(os.environ.get("BENCH_WATCHED", "1000000"))
BURST = int(os.environ.get("BENCH_BURST", "100000"))
MEMBERS_PER_REQUEST = 10_000
DELIVERY_TIMEOUT_SECONDS = float(os.environ.get("BENCH_DELIVERY_TIMEOUT", "1800"))
_EVENT_COLUMNS = (
    "resident_code, type, effective_date, recorded_at, recorded_by, resident_version, "
    "from_local_government_code, to_local_government_code, from_abroad, to_abroad, corrected_items, "
    "reason, snapshot"
)


class Receiver:
    def __init__(self) -> None:
        self.events = 0
        self.deliveries = 0
        self.done = asyncio.Event()
        self.expected = 0

    async def hook(self, request: Request) -> Response:
        payload = orjson.loads(await request.body())
        self.events += len(payload["data"]["items"])
        self.deliveries += 1
        if self.expected and self.events >= self.expected:
            self.done.set()
        return Response(status_code=204)


async def _burst(dsn: str, subscription_id: str, count: int) -> tuple[int, int]:
    """`count` events of the subscription's members appended to the outbox in one transaction;
    the feed head before them and the time of the commit."""
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            head = await connection.fetchval("SELECT last_sequence FROM feed_head WHERE id = 1 FOR UPDATE")
            status = await connection.execute(
                f"""
                INSERT INTO resident_events (sequence, {_EVENT_COLUMNS})
                SELECT $2::bigint + row_number() OVER (), {_EVENT_COLUMNS}
                FROM (
                    SELECT e.* FROM subscription_members m
                    JOIN resident_events e ON e.resident_code = m.resident_code
                    CROSS JOIN generate_series(1, 1 + $3::int / GREATEST(1, (
                        SELECT count(*) FROM subscription_members WHERE subscription_id = $1)::int))
                    WHERE m.subscription_id = $1 AND e.sequence <= $2
                    LIMIT $3
                ) AS picked
                """,
                subscription_id,
                head,
                count,
            )
            inserted = int(status.split()[-1])
            await connection.execute("UPDATE feed_head SET last_sequence = $1 WHERE id = 1", head + inserted)
    finally:
        await connection.close()
    return int(head), inserted


async def _analyse(dsn: str) -> None:
    """Statistics of the members just loaded, as autovacuum would gather them a little later: with
    none, the planner hashes every member for each batch (336 ms) instead of probing the members'
    key for the events in feed order (10 ms), as measured on 100,000 members."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("ANALYZE subscription_members")
    finally:
        await connection.close()


async def _watch(gateway: httpx.AsyncClient, base: str, codes: list[str]) -> float:
    started = time.perf_counter()
    for start in range(0, len(codes), MEMBERS_PER_REQUEST):
        items = [
            {"resident_id": code, "purpose": "jichi:purpose:pension-benefit"}
            for code in codes[start : start + MEMBERS_PER_REQUEST]
        ]
        response = await gateway.post(f"{base}/members", json={"items": items})
        response.raise_for_status()
    return time.perf_counter() - started


async def _feed_read(gateway: httpx.AsyncClient, after: int, count: int) -> float:
    started = time.perf_counter()
    read = 0
    while read < count:
        response = await gateway.get("/registry/v1/events", params={"after": after, "limit": 1000})
        response.raise_for_status()
        page: dict[str, Any] = response.json()
        read += len(page["items"])
        after = page["next_cursor"]
        if not page["items"]:
            raise RuntimeError(f"the feed ended after {read} of {count} events")
    return time.perf_counter() - started


async def registry_subscription_deliveries(ctx: BenchContext) -> None:
    await lookup_requests(ctx)  # the register imported and settled
    codes = resident_codes(ctx.work_dir / "residents.jsonl", count=WATCHED)
    receiver = Receiver()
    hook = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    headers = {"Authorization": f"Bearer {ctx.token}", "X-Purpose": PURPOSE}
    async with (
        serving(hook) as hook_url,
        httpx.AsyncClient(base_url=ctx.platform.gateway_url, headers=headers, timeout=120.0) as gateway,
    ):
        created = await gateway.post(
            "/registry/v1/subscriptions", json={"name": "bench", "webhook_url": f"{hook_url}/hook"}
        )
        created.raise_for_status()
        subscription_id = created.json()["subscription_id"]
        base = f"/registry/v1/subscriptions/{subscription_id}"
        watch_seconds = await _watch(gateway, base, codes)
        await _analyse(ctx.asyncpg_dsn("registry"))
        head, count = await _burst(ctx.asyncpg_dsn("registry"), subscription_id, BURST)
        receiver.expected = count
        if receiver.events >= count:
            receiver.done.set()
        started = time.perf_counter()
        await asyncio.wait_for(receiver.done.wait(), timeout=DELIVERY_TIMEOUT_SECONDS)
        delivery_seconds = time.perf_counter() - started
        feed_seconds = await _feed_read(gateway, head, count)
    delivered_per_second = receiver.events / delivery_seconds
    feed_per_second = count / feed_seconds
    ctx.record(
        "registry_subscription_deliveries",
        what=f"one subscription watching {len(codes)} residents (added through the gateway, "
        f"{MEMBERS_PER_REQUEST} a request); a burst of {count} of their events in the outbox, pushed by "
        "the deliverer process to a local webhook receiver (Standard Webhooks, 204); baseline: the same "
        "events read through the gateway from GET /registry/v1/events, 1,000 a page; same run",
        watched=len(codes),
        members_per_second=round(len(codes) / watch_seconds),
        burst_events=count,
        deliveries=receiver.deliveries,
        delivered_events_per_second=round(delivered_per_second),
        feed_read_events_per_second=round(feed_per_second),
        deliveries_to_feed_read=round(delivered_per_second / feed_per_second, 3),
        target="deliveries_to_feed_read >= 0.5",
    )
