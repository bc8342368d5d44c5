"""Donor-name search at every key length: one to three characters are one gram on PostgreSQL, longer
keys their trigrams and the pattern; both databases answer the same."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.funds.conftest import Funds, donation, report

NAMES = ["田中 一郎", "中田 花子", "長谷川 健", "株式会社 田中商事", "100% 株式会社", "山川谷村 川谷村町"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("田", ["田中 一郎", "中田 花子", "株式会社 田中商事"]),
        ("田中", ["田中 一郎", "株式会社 田中商事"]),
        ("中田", ["中田 花子"]),
        ("長谷川", ["長谷川 健"]),
        ("長谷川健", ["長谷川 健"]),
        ("長谷川 健", ["長谷川 健"]),
        ("株式会社", ["株式会社 田中商事", "100% 株式会社"]),
        ("株式会社田中商事", ["株式会社 田中商事"]),
        ("田中一", ["田中 一郎"]),
        ("中一郎花", []),
        ("一郎中", []),
        ("山川谷村町", []),  # the name has all three of its trigrams, not the key: the pattern decides
        ("川谷村町", ["山川谷村 川谷村町"]),
        ("%", ["100% 株式会社"]),
        ("0%", ["100% 株式会社"]),
        ("_", []),
        ("健", ["長谷川 健"]),
        ("ケン", []),
    ],
)
async def test_every_key_length(api: Funds, term: str, expected: list[str]) -> None:
    party = await api.organization("party-a")
    lines = [
        donation(60_000 + index, name=name, day=f"2025-0{index + 1}-01") for index, name in enumerate(NAMES)
    ]
    assert (await api.file(party, report(lines))).status_code == 201
    response = await api.client.get("/funds/v1/disclosed-lines", params={"donor_name": term})
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["items"]] == expected
    donors = await api.client.get("/funds/v1/aggregates/donors", params={"donor_name": term, "year": 2025})
    assert sorted(item["donor_name"] for item in donors.json()["items"]) == sorted(expected)


@pytest.mark.postgres_only
@pytest.mark.parametrize("key", ["", "田", "田中", "長谷川健", "株式会社田中商事", "100%株式会社"])
async def test_stored_grams_are_every_short_substring_by_start_then_width(funds_db: str, key: str) -> None:
    """The database's grams of a name (migration 0006's loop) are those 0003's query gave."""
    expected = [
        key[start : start + width]
        for start in range(len(key))
        for width in (1, 2, 3)
        if start + width <= len(key)
    ]
    engine = create_async_engine(funds_db)
    try:
        async with engine.connect() as connection:
            grams = (
                await connection.execute(text("SELECT funds_name_grams(:key)"), {"key": key})
            ).scalar_one()
    finally:
        await engine.dispose()
    assert grams == expected
