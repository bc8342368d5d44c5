"""Public search, aggregates and exports: only what the law publishes leaves anonymously."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds.tables import report_lines, reports
from tests.funds.conftest import Funds, donation, report
from tests.shared.web.test_problems import assert_problem

SMALL = "小口 次郎"
ADDRESS = "霞が関2-1-2"


async def seed(api: Funds) -> dict[str, Any]:
    party = await api.organization("party-a", name="甲党")
    lines = [
        donation(60_000, name="やまだ たろう", day="2025-03-01"),
        donation(
            900_000, name="髙橋 一郎", code="011011", address="北海道札幌市中央区北1条西2", day="2025-02-01"
        ),
        donation(50_000, name=SMALL, day="2025-01-01"),
        {
            "category": "organizational",
            "amount": 70_000,
            "transaction_date": "2025-04-01",
            "name": "大家 不動産",
        },
    ]
    assert (await api.file(party, report(lines))).status_code == 201
    return party


async def search(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get("/funds/v1/disclosed-lines", params=params)


async def test_name_search_folds_kana_width_and_variants(api: Funds) -> None:
    await seed(api)
    for term in ("ヤマダ", "ﾔﾏﾀﾞ", "まだた"):
        items = (await search(api.client, donor_name=term)).json()["items"]
        assert [i["amount"] for i in items] == [60_000], term
    assert [i["name"] for i in (await search(api.client, donor_name="高橋")).json()["items"]] == ["髙橋 一郎"]
    assert (await search(api.client, donor_name="%")).json()["items"] == []


async def test_public_search_never_shows_small_donors_or_addresses(api: Funds) -> None:
    await seed(api)
    items = (await search(api.client, page_size=500)).json()["items"]
    assert SMALL not in json.dumps(items, ensure_ascii=False)
    assert all(i["address"] is None for i in items)
    assert ADDRESS not in json.dumps(items, ensure_ascii=False)
    assert {i["published_address"] for i in items} == {"東京都千代田区", "北海道札幌市中央区", None}
    full = (await api.client.get("/funds/v1/disclosed-lines", headers=api.review())).json()["items"]
    assert SMALL in json.dumps(full, ensure_ascii=False)


async def test_filters_and_sorting(api: Funds) -> None:
    await seed(api)
    by_amount = (await search(api.client, sort="-amount")).json()["items"]
    assert [i["amount"] for i in by_amount] == [900_000, 70_000, 60_000]
    by_date = (await search(api.client, sort="date")).json()["items"]
    assert [i["transaction_date"] for i in by_date] == ["2025-02-01", "2025-03-01", "2025-04-01"]
    assert [i["amount"] for i in (await search(api.client, prefecture="01")).json()["items"]] == [900_000]
    ranged = await search(api.client, min_amount=60_000, max_amount=70_000, category="organizational")
    assert [i["amount"] for i in ranged.json()["items"]] == [70_000]
    dated = await search(api.client, from_date="2025-02-15", to_date="2025-03-15")
    assert [i["amount"] for i in dated.json()["items"]] == [60_000]


async def test_bad_search_input_is_a_problem(api: Funds) -> None:
    assert_problem(await search(api.client, min_amount=5, max_amount=1), 400, "invalid-range")
    assert (await search(api.client, prefecture="48")).status_code == 422
    assert (await search(api.client, sort="name")).status_code == 422
    assert (await search(api.client, from_date="2025-02-30")).status_code == 422
    assert (await search(api.client, page_size=100_000)).status_code == 422
    assert_problem(await search(api.client, page_token="forged.token"), 400, "invalid-page-token")
    assert_problem(await search(api.client, donor_name=" "), 400, "invalid-donor-name")


async def test_keyset_pages_stable_under_concurrent_inserts(api: Funds) -> None:
    party = await api.organization("party-a")
    other = await api.organization("party-b")
    lines = [donation(100_000 + i, name=f"寄附者{i:02d}", day=f"2025-01-{i + 1:02d}") for i in range(12)]
    assert (await api.file(party, report(lines))).status_code == 201
    first = (await search(api.client, sort="date", page_size=5)).json()
    late = [donation(100_000, name=f"追加{i}", day="2025-01-02") for i in range(3)]
    second, _ = await asyncio.gather(
        search(api.client, sort="date", page_size=5, page_token=first["next_page_token"]),
        api.file(other, report(late)),
    )
    seen = [i["id"] for i in first["items"]] + [i["id"] for i in second.json()["items"]]
    assert len(seen) == len(set(seen)) == 10
    dates = [i["transaction_date"] for i in first["items"] + second.json()["items"]]
    assert dates == sorted(dates)
    other_query = await search(api.client, sort="amount", page_token=first["next_page_token"])
    assert_problem(other_query, 400, "invalid-page-token")


async def test_exports_stream_only_published_lines(api: Funds) -> None:
    await seed(api)
    csv_response = await api.client.get("/funds/v1/disclosed-lines/export", params={"format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    rows = text.strip().split("\r\n")
    assert rows[0].startswith("id,organization_id")
    assert len(rows) == 4
    assert SMALL not in text
    assert ADDRESS not in text
    jsonl = await api.client.get(
        "/funds/v1/disclosed-lines/export", params={"format": "jsonl", "prefecture": "13"}
    )
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [r["amount"] for r in records] == [60_000]
    assert (
        await api.client.get("/funds/v1/disclosed-lines/export", params={"format": "xml"})
    ).status_code == 422


async def test_aggregates_leave_small_donors_out(api: Funds) -> None:
    party = await seed(api)
    donors = (await api.client.get("/funds/v1/aggregates/donors", params={"year": 2025})).json()["items"]
    assert sorted(d["total"] for d in donors) == [60_000, 900_000]
    assert SMALL not in json.dumps(donors, ensure_ascii=False)
    orgs = (await api.client.get("/funds/v1/aggregates/organizations", params={"year": 2025})).json()["items"]
    assert orgs == [
        {
            "organization_id": party["id"],
            "organization_name": "甲党",
            "year": 2025,
            "income_total": 1_010_000,
            "expenditure_total": 70_000,
            "donation_total": 1_010_000,
            "balance": 940_000,
        }
    ]
    categories = (await api.client.get("/funds/v1/aggregates/categories", params={"year": 2025})).json()
    assert {c["category"]: c["total"] for c in categories} == {
        "donation_individual": 1_010_000,
        "organizational": 70_000,
    }
    prefectures = (await api.client.get("/funds/v1/aggregates/prefectures", params={"year": 2025})).json()
    assert [(p["prefecture_code"], p["total"]) for p in prefectures] == [("01", 900_000), ("13", 60_000)]
    assert (await api.client.get("/funds/v1/aggregates/categories")).status_code == 422


async def test_reports_stop_being_public_after_three_years(api: Funds, funds_db: str) -> None:
    party = await seed(api)
    engine = create_async_engine(funds_db)
    async with engine.begin() as connection:
        await connection.execute(update(reports).values(public_until=date(2020, 1, 1)))
        await connection.execute(update(report_lines).values(public_until=date(2020, 1, 1)))
    await engine.dispose()
    assert (await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025")).status_code == 404
    assert (await search(api.client)).json()["items"] == []
    assert len((await api.client.get("/funds/v1/disclosed-lines", headers=api.review())).json()["items"]) == 4
