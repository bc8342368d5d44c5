"""Group commit of the access log: concurrent lookups share commits, the chain stays whole."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.registry.accesslog import chain, repository
from services.registry.accesslog.chain import LANES, Entry
from services.registry.accesslog.writer import LINGER_UNTIL, AccessLogWriter
from shared.contracts.registry import AccessRecordPage, ChainVerification
from shared.values import utc_now
from tests.registry.conftest import Headers, Register

BASE = "/registry/v1/residents"


async def verification(client: httpx.AsyncClient, headers: Headers) -> ChainVerification:
    response = await client.get("/registry/v1/access-log/verification", headers=headers("registry:audit"))
    return ChainVerification.model_validate(response.json())


async def test_concurrent_lookups_are_each_logged_once(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    responses = await asyncio.gather(
        *(
            registry.get(f"{BASE}/{code}", headers=headers("registry:read", client_id=f"client-{n}"))
            for n in range(40)
        )
    )
    assert [response.status_code for response in responses] == [200] * 40
    records = AccessRecordPage.model_validate(
        (
            await registry.get(
                f"{BASE}/{code}/access-records",
                headers=headers("registry:disclosure"),
                params={"page_size": 100},
            )
        ).json()
    ).items
    assert sorted(record.client_id for record in records) == sorted(f"client-{n}" for n in range(40))
    assert {record.request_id for record in records} == {r.headers["x-request-id"] for r in responses}
    result = await verification(registry, headers)
    assert result.valid
    assert result.entries_checked == 40


async def test_a_lane_moved_by_another_writer_is_left_for_another(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    # Another process appends to every lane, so the writer's remembered heads are all stale.
    engine = create_async_engine(registry_db)
    async with async_sessionmaker(engine).begin() as session:
        for lane in range(LANES):
            reserved = await repository.reserve(session, lane=lane, count=1)
            assert reserved is not None
            entry = Entry(utc_now(), "elsewhere", "test", f"r{lane}", "get_resident", code, "basic")
            hashes = chain.chain(reserved[1], [entry])
            await repository.insert_entries(session, repository.rows_of(lane, reserved[0], [entry], hashes))
            await repository.set_head_hash(session, lane=lane, last_hash=hashes[-1])
    await engine.dispose()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    result = await verification(registry, headers)
    assert result.valid
    assert result.entries_checked == 2 + LANES


class RecordingWriter(AccessLogWriter):
    """The writer's batching, with the database write replaced by a note of each batch's size."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(engine=SimpleNamespace(dialect=SimpleNamespace(name="postgresql"))))  # type: ignore[arg-type]
        self.batches: list[int] = []

    async def _write(self, cursor: Any, entries: Sequence[Entry]) -> None:
        self.batches.append(len(entries))


def _entry(number: int) -> Entry:
    return Entry(utc_now(), "client", "test", f"r{number}", "get_resident", "12345678901", "basic")


async def test_entries_arriving_together_share_one_batch() -> None:
    writer = RecordingWriter()
    writer.start()

    async def lookup(number: int) -> None:
        await asyncio.sleep(number * 0.0001)
        await writer.append(_entry(number))

    await asyncio.gather(*(lookup(n) for n in range(10)))
    await writer.append(_entry(10))
    await writer.close()
    assert writer.batches == [10, 1]


async def test_a_batch_full_enough_is_written_without_waiting() -> None:
    writer = RecordingWriter()
    writer.start()

    async def late(number: int) -> None:
        await asyncio.sleep(0.0005)
        await writer.append(_entry(number))

    # Had the full batch waited its 2 ms, the three later entries would have joined it.
    await asyncio.gather(
        writer.append_all([_entry(n) for n in range(LINGER_UNTIL)]), *(late(n) for n in range(3))
    )
    await writer.close()
    assert writer.batches[0] == LINGER_UNTIL
    assert sum(writer.batches) == LINGER_UNTIL + 3
