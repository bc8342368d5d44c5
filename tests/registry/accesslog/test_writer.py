"""Group commit of the access log: concurrent lookups share commits, each gets its own leaf."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import SimpleNamespace

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.registry.accesslog import service
from services.registry.accesslog.entries import Entry
from services.registry.accesslog.writer import LINGER_UNTIL, AccessLogWriter
from shared.contracts.registry import AccessRecordPage
from shared.values import utc_now
from tests.registry.accesslog.proofs import BASE, proves, sign_checkpoint
from tests.registry.conftest import Headers, Register


async def all_records(client: httpx.AsyncClient, headers: Headers, code: str) -> AccessRecordPage:
    response = await client.get(
        f"{BASE}/{code}/access-records", headers=headers("registry:disclosure"), params={"page_size": 100}
    )
    return AccessRecordPage.model_validate(response.json())


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
    signed = await sign_checkpoint(registry, headers)
    records = (await all_records(registry, headers, code)).items
    assert sorted(record.client_id for record in records) == sorted(f"client-{n}" for n in range(40))
    assert {record.request_id for record in records} == {r.headers["x-request-id"] for r in responses}
    assert sorted(record.leaf_index for record in records) == list(range(40))
    assert signed.tree_size == 40
    assert all(proves(record, code, signed) for record in records)


async def test_entries_appended_in_a_transaction_and_by_the_writer_share_one_tree(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    # Another process appends in its own transaction: the head hands it the next leaves.
    engine = create_async_engine(registry_db)
    async with async_sessionmaker(engine).begin() as session:
        written = [
            Entry(utc_now(), "elsewhere", "test", f"r{n}", "get_resident", code, "basic") for n in range(3)
        ]
        await service.append_in_transaction(session, entries=written)
    await engine.dispose()
    assert (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).status_code == 200
    signed = await sign_checkpoint(registry, headers)
    records = (await all_records(registry, headers, code)).items
    assert [record.leaf_index for record in reversed(records)] == [0, 1, 2, 3, 4]
    assert [record.client_id for record in reversed(records)][1:4] == ["elsewhere"] * 3
    assert signed.tree_size == 5
    assert all(proves(record, code, signed) for record in records)


class RecordingWriter(AccessLogWriter):
    """The writer's batching, with the database write replaced by a note of each batch's size."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(engine=SimpleNamespace(dialect=SimpleNamespace(name="postgresql"))))  # type: ignore[arg-type]
        self.batches: list[int] = []

    async def _write(self, entries: Sequence[Entry]) -> None:
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
