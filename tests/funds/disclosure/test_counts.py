"""Counts and breakdowns of a disclosure search: exact when cheap, an estimate flagged as such."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from services.funds.disclosure import repository
from services.funds.disclosure.bands import SIZE_BANDS, band_of
from tests.funds.conftest import Funds, donation, report
from tests.shared.web.test_problems import assert_problem
from tests.support.databases import on_postgres


async def seed(api: Funds) -> dict[str, Any]:
    party = await api.organization("party-a", name="甲党")
    lines = [
        donation(60_000, name="山田 太郎"),
        donation(60_000, name="山田 太郎", day="2025-06-01"),
        donation(1_600_000, name="山田 花子", code="011002", address="北海道札幌市中央区北1条西2"),
        donation(30_000, name="小口 次郎"),  # not published: ¥30,000 in the year
        donation(
            500_000,
            name="山田建設株式会社",
            category="donation_corporate",
            kind="company",
            capital_yen=10_000_000,
        ),
        {"category": "organizational", "amount": 70_000, "transaction_date": "2025-04-01", "name": "大家"},
    ]
    assert (await api.file(party, report(lines))).status_code == 201
    return party


async def _search(api: Funds, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = await api.client.get("/funds/v1/disclosed-lines", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_page_carries_the_exact_count(api: Funds) -> None:
    await seed(api)
    first = await _search(api, donor_name="山田", page_size=2)
    assert (first["count"], first["count_is_estimate"]) == (4, False)
    second = await _search(api, donor_name="山田", page_size=2, page_token=first["next_page_token"])
    assert (second["count"], len(second["items"])) == (4, 2)
    assert (await _search(api, donor_name="該当なし"))["count"] == 0
    # The regulator also counts the unpublished line.
    assert (await _search(api, api.review(), category="donation_individual"))["count"] == 4
    assert (await _search(api, category="donation_individual"))["count"] == 3


async def test_past_the_bound_the_count_is_an_estimate(api: Funds, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed(api)
    monkeypatch.setattr(repository, "COUNT_EXACT_UP_TO", 2)
    body = await _search(api, donor_name="山田")
    if on_postgres():
        assert body["count_is_estimate"] is True
        assert body["count"] >= 3
    else:
        # SQLite has no planner estimate: the count stays exact.
        assert (body["count"], body["count_is_estimate"]) == (4, False)


@pytest.mark.postgres_only
async def test_a_large_estimate_is_not_even_counted(api: Funds, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the planner expects more than the bound, the answer is its estimate alone."""
    await seed(api)
    counted: list[object] = []
    original = repository._planned_rows

    async def planned(*args: object) -> int:
        counted.append(args)
        return await original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_planned_rows", planned)
    monkeypatch.setattr(repository, "ESTIMATE_ALONE_ABOVE", 0)
    body = await _search(api, donor_name="山田")
    assert body["count_is_estimate"] is True
    assert body["count"] >= 1
    assert len(counted) == 1


def test_bands_cover_every_amount_once() -> None:
    assert band_of(0).key == band_of(50_000).key == "up_to_50000"
    assert band_of(50_001).key == "50001_to_100000"
    assert band_of(1_500_000).key == "1000001_to_1500000"
    assert band_of(1_500_001).key == "over_1500000"
    for lower, upper in itertools.pairwise(SIZE_BANDS):
        assert lower.max_amount is not None
        assert upper.min_amount == lower.max_amount + 1


async def test_breakdown_by_kind_prefecture_and_band(api: Funds) -> None:
    await seed(api)
    response = await api.client.get("/funds/v1/disclosed-lines/breakdown", params={"year": 2025})
    assert response.status_code == 200, response.text
    body = response.json()
    # Published: 60,000 ×2 and 1,600,000 (individuals), 500,000 (company), 70,000 (expenditure).
    assert (body["count"], body["total"]) == (5, 2_290_000)
    assert body["by_donor_kind"] == [
        {"key": "company", "count": 1, "total": 500_000},
        {"key": "individual", "count": 3, "total": 1_720_000},
        {"key": "none", "count": 1, "total": 70_000},
    ]
    assert body["by_prefecture"] == [
        {"key": "01", "count": 1, "total": 1_600_000},
        {"key": "13", "count": 3, "total": 620_000},
        {"key": "none", "count": 1, "total": 70_000},
    ]
    bands = {band["key"]: (band["count"], band["total"]) for band in body["by_size_band"]}
    assert bands == {
        "up_to_50000": (0, 0),
        "50001_to_100000": (3, 190_000),
        "100001_to_500000": (1, 500_000),
        "500001_to_1000000": (0, 0),
        "1000001_to_1500000": (0, 0),
        "over_1500000": (1, 1_600_000),
    }
    regulator = (
        await api.client.get(
            "/funds/v1/disclosed-lines/breakdown", params={"donor_name": "小口"}, headers=api.review()
        )
    ).json()
    assert regulator["by_size_band"][0] == {
        "key": "up_to_50000",
        "min_amount": 0,
        "max_amount": 50_000,
        "count": 1,
        "total": 30_000,
    }


@pytest.mark.parametrize(
    ("params", "status", "slug"),
    [
        ({"min_amount": 10, "max_amount": 1}, 400, "invalid-range"),
        ({"donor_name": " "}, 400, "invalid-donor-name"),
        ({"category": "bribe"}, 422, "validation-failed"),
    ],
)
async def test_breakdown_refuses_bad_queries(
    api: Funds, params: dict[str, Any], status: int, slug: str
) -> None:
    response = await api.client.get("/funds/v1/disclosed-lines/breakdown", params=params)
    assert_problem(response, status, slug)
