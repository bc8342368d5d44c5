"""Exports: what leaves is redacted on both paths; PostgreSQL's COPY writes what the portable path writes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date
from typing import Any

import pytest

from services.funds.disclosure import repository, service
from services.funds.disclosure.repository import LineFilters
from shared.db.engine import Database, create_engine
from tests.funds.conftest import Funds, donation, report

SMALL = "小口 次郎"
FULL_ADDRESS = "霞が関2-1-2"
TODAY = date(2026, 1, 1)


async def seed(api: Funds) -> None:
    party = await api.organization("party-x", name='甲党 "本部", 東京')
    lines = [
        donation(60_000, name='山田, "太郎"', day="2025-03-01"),
        donation(
            900_000, name="髙橋 一郎", code="011011", address="北海道札幌市中央区北1条西2", day="2025-02-01"
        ),
        # A donor at the disclosure threshold (¥50,000 in the year) is never itemized publicly.
        donation(50_000, name=SMALL, day="2025-01-01"),
        donation(50_001, name="境界 一郎", day="2025-01-02"),
        donation(
            300_000,
            category="fundraising_party",
            name="後援 一郎\n二郎",
            event_name='パーティー\\「春」"2025"',
            day="2025-06-01",
        ),
        {
            "category": "organizational",
            "amount": 70_000,
            "transaction_date": "2025-04-01",
            "name": "大家 不動産",
        },
        {"category": "supplies", "amount": 49_999, "transaction_date": "2025-04-02", "name": "文具 小売"},
    ]
    response = await api.file(party, report(lines))
    assert response.status_code == 201, response.text


async def collect(stream: Any) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def exported(api: Funds, fmt: str, **params: Any) -> bytes:
    response = await api.client.get("/funds/v1/disclosed-lines/export", params={"format": fmt, **params})
    assert response.status_code == 200, response.text
    return response.content


async def test_no_export_ever_carries_a_small_donor_or_a_full_address(api: Funds) -> None:
    await seed(api)
    for fmt in ("csv", "jsonl"):
        body = (await exported(api, fmt)).decode("utf-8-sig")
        assert SMALL not in body
        assert FULL_ADDRESS not in body
        assert "北1条西2" not in body
        assert "文具 小売" not in body  # an expenditure under ¥50,000 is not itemized
        assert "境界 一郎" in body
    records = [json.loads(line) for line in (await exported(api, "jsonl")).splitlines()]
    assert all(record["address"] is None for record in records)
    assert {record["published_address"] for record in records} == {
        "東京都千代田区",
        "北海道札幌市中央区",
        None,
    }
    regulator = await api.client.get(
        "/funds/v1/disclosed-lines/export", params={"format": "jsonl"}, headers=api.review()
    )
    assert SMALL in regulator.text
    assert FULL_ADDRESS in regulator.text


async def test_csv_export_is_rfc_4180_with_its_header(api: Funds) -> None:
    await seed(api)
    body = (await exported(api, "csv")).decode("utf-8")
    assert body.startswith("\ufeffid,organization_id,organization_name,")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    header, records = rows[0], rows[1:]
    assert header == list(service.CSV_COLUMNS)
    assert [record[header.index("amount")] for record in records] == [
        "60000",
        "900000",
        "50001",
        "300000",
        "70000",
    ]
    by_amount = {record[header.index("amount")]: dict(zip(header, record, strict=True)) for record in records}
    assert by_amount["60000"]["name"] == '山田, "太郎"'
    assert by_amount["60000"]["organization_name"] == '甲党 "本部", 東京'
    assert by_amount["300000"]["name"] == "後援 一郎\n二郎"
    assert by_amount["300000"]["event_name"] == 'パーティー\\「春」"2025"'
    assert by_amount["300000"]["transaction_date"] == "2025-06-01"
    assert by_amount["300000"]["published"] == "True"
    assert by_amount["300000"]["address"] == ""
    assert body.count("\r\n") == len(records) + 1  # record ends only: the newline in a name stays LF


async def test_exports_take_the_search_filters(api: Funds) -> None:
    await seed(api)
    lines = (
        await exported(api, "jsonl", min_amount=60_000, max_amount=300_000, category="donation_individual")
    ).splitlines()
    assert [json.loads(line)["amount"] for line in lines] == [60_000]
    lines = (await exported(api, "jsonl", donor_name="高橋", from_date="2025-01-15")).splitlines()
    assert [json.loads(line)["amount"] for line in lines] == [900_000]
    assert await exported(api, "jsonl", year=2024) == b""
    assert (await exported(api, "csv", year=2024)).decode("utf-8-sig").count("\r\n") == 1


@pytest.mark.parametrize("full", [False, True])
async def test_copy_writes_what_the_portable_path_writes(api: Funds, funds_db: str, full: bool) -> None:
    if not funds_db.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's")
    await seed(api)
    database = Database(create_engine(funds_db))
    try:
        filters = LineFilters()
        for fmt in ("csv", "jsonl"):
            statement = repository.lines_statement(filters, full=full, today=TODAY, postgres=False)
            portable = await collect(service.export_lines(database, statement, full=full, fmt=fmt))
            copied = await collect(service.export_stream(database, filters, full=full, today=TODAY, fmt=fmt))
            assert copied == portable, fmt
    finally:
        await database.dispose()


def test_crlf_ends_records_only_outside_quotes() -> None:
    text = b'a,"b\nc"\nd,"e""\n'
    first, quoted = service._crlf(text, False)
    assert (first, quoted) == (b'a,"b\nc"\r\nd,"e""\n', True)
    second, quoted = service._crlf(b'f\n"\ng\n', quoted)
    assert (second, quoted) == (b'f\n"\r\ng\r\n', False)


async def test_an_abandoned_export_gives_its_connection_back(api: Funds, funds_db: str) -> None:
    if not funds_db.startswith("postgresql"):
        pytest.skip("COPY is PostgreSQL's")
    await seed(api)
    database = Database(create_engine(funds_db, pool_size=1))
    try:
        async with asyncio.timeout(20):  # a connection kept by an abandoned COPY would block here
            for _ in range(3):
                stream = service.export_stream(database, LineFilters(), full=False, today=TODAY, fmt="csv")
                assert await anext(stream) == "\ufeff".encode()
                assert b"organization_id" in await anext(stream)
                await stream.aclose()
            lines = await collect(
                service.export_stream(database, LineFilters(), full=False, today=TODAY, fmt="jsonl")
            )
        assert len(lines.splitlines()) == 5
    finally:
        await database.dispose()
