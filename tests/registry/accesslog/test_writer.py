"""Group commit of the access log: concurrent lookups share commits, the chain stays whole."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.registry.accesslog import chain, repository
from services.registry.accesslog.chain import LANES, Entry
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
