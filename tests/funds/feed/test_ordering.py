"""The feed's order under concurrent filings: a cursor handed out is never passed by a filing that
commits later (the head row stays locked from a filing's sequence to its commit)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.funds.feed import repository, service
from services.funds.feed.repository import FeedFilters
from services.funds.tables import reports
from tests.funds.conftest import Funds, donation, report


def _values(report_id: int, organization_id: int) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "organization_id": organization_id,
        "organization_name": "甲党",
        "organization_kind": "political_party",
        "prefecture_code": "13",
        "year": 2025,
        "version": 1,
        "reason": None,
        "filed_at": datetime(2026, 3, 1, tzinfo=UTC),
        "due_date": date(2026, 3, 31),
        "filed_late": False,
        "income_total": 0,
        "expenditure_total": 0,
        "balance": 0,
        "line_count": 0,
        "public_until": date(2029, 3, 1),
    }


async def test_a_filing_committed_later_never_comes_before_a_cursor(api: Funds, funds_db: str) -> None:
    party = await api.organization("party-a")
    assert (await api.file(party, report([donation(1_000)]))).status_code == 201
    engine = create_async_engine(funds_db)
    try:
        async with AsyncSession(engine) as session:
            report_id = (await session.execute(select(reports.c.id))).scalar_one()
            start = await repository.committed_head(session)

        async def read(after: int) -> tuple[list[int], int]:
            async with AsyncSession(engine) as session:
                feed = await service.page(session, after=after, limit=10, feed_filters=FeedFilters())
            return [item.sequence for item in feed.items], feed.next_cursor

        async def file_second() -> int:
            async with AsyncSession(engine) as second:
                sequence = await repository.append(second, _values(report_id, party["id"]))
                await second.commit()
                return sequence

        async with AsyncSession(engine) as first:
            first_sequence = await repository.append(first, _values(report_id, party["id"]))
            second_task = asyncio.create_task(file_second())
            await asyncio.sleep(0.3)
            # The second filing waits for the first's commit: it cannot take a later number and
            # become visible before the first.
            assert not second_task.done()
            # A reader now gets neither, and a cursor that does not pass the first filing.
            assert await read(start) == ([], start)
            await first.commit()
        second_sequence = await second_task
        assert second_sequence == first_sequence + 1
        assert await read(start) == ([first_sequence, second_sequence], second_sequence)
    finally:
        await engine.dispose()


async def test_a_reader_polling_during_concurrent_filings_misses_nothing(api: Funds) -> None:
    start = (await api.client.get("/funds/v1/filings")).json()["next_cursor"]
    organizations = [await api.organization(f"org-{number}") for number in range(8)]
    filing_done = asyncio.Event()
    seen: list[int] = []

    async def poll() -> None:
        cursor = start
        while True:
            last_round = filing_done.is_set()
            feed = (await api.client.get("/funds/v1/filings", params={"after": cursor, "limit": 3})).json()
            seen.extend(item["sequence"] for item in feed["items"])
            assert feed["next_cursor"] >= cursor
            cursor = feed["next_cursor"]
            if last_round and not feed["has_more"]:
                return
            await asyncio.sleep(0)

    async def file_all() -> None:
        bodies = [report([donation(1_000 + number)]) for number in range(len(organizations))]
        responses = await asyncio.gather(
            *(api.file(organization, body) for organization, body in zip(organizations, bodies, strict=True))
        )
        assert all(response.status_code == 201 for response in responses)
        filing_done.set()

    await asyncio.gather(poll(), file_all())
    everything = (await api.client.get("/funds/v1/filings", params={"after": start})).json()["items"]
    assert len(everything) == len(organizations)
    assert seen == [item["sequence"] for item in everything]
