"""What the law itemizes publicly, at each threshold."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.funds.municipalities import published_address
from services.funds.reports.identity import donor_key
from services.funds.reports.publication import public_until, published_lines
from services.funds.rulebook import rules_on
from shared.contracts.funds import ReportLineIn
from tests.funds.conftest import donation


def flags(lines: list[dict[str, Any]], year: int = 2025) -> list[bool]:
    parsed = [ReportLineIn.model_validate(line) for line in lines]
    keys = [
        donor_key(line.name, line.municipality_code, line.address) if line.name and line.donor_kind else None
        for line in parsed
    ]
    return published_lines(parsed, keys, year=year)


@pytest.mark.parametrize(
    ("amounts", "published"), [([50_000], False), ([50_001], True), ([25_000, 25_001], True)]
)
def test_donors_over_50000_a_year(amounts: list[int], published: bool) -> None:
    assert flags([donation(a) for a in amounts]) == [published] * len(amounts)


def test_small_donor_beside_a_large_one() -> None:
    assert flags([donation(60_000), donation(10_000, name="佐藤 花子")]) == [True, False]


def ticket(amount: int, day: str, name: str = "山田 太郎", event: str = "春の集い") -> dict[str, Any]:
    return donation(amount, name=name, category="fundraising_party", day=day, event_name=event)


@pytest.mark.parametrize(
    ("amount", "day", "published"),
    [
        (200_000, "2026-06-01", False),
        (200_001, "2026-06-01", True),
        (50_000, "2027-01-01", False),
        (50_001, "2027-01-01", True),
        (50_001, "2026-12-31", False),
    ],
)
def test_party_ticket_threshold_by_event_date(amount: int, day: str, published: bool) -> None:
    assert flags([ticket(amount, day)], year=int(day[:4])) == [published]


def test_tickets_sum_per_event() -> None:
    lines = [
        ticket(150_000, "2026-06-01"),
        ticket(50_001, "2026-06-01"),
        ticket(150_000, "2026-06-01", event="秋"),
    ]
    assert flags(lines, year=2026) == [True, True, False]


@pytest.mark.parametrize(("amount", "published"), [(49_999, False), (50_000, True), (50_001, True)])
def test_expenditures_from_50000(amount: int, published: bool) -> None:
    line = {"category": "organizational", "amount": amount, "transaction_date": "2025-01-05", "name": "大家"}
    assert flags([line]) == [published]


@pytest.mark.parametrize("category", ["personnel", "utilities", "supplies", "office"])
def test_ordinary_costs_are_totals_only(category: str) -> None:
    line = {"category": category, "amount": 1_000_000, "transaction_date": "2025-01-05", "name": "大家"}
    assert flags([line]) == [False]


def test_anonymous_and_membership() -> None:
    anonymous = {"category": "donation_individual", "amount": 900_000, "transaction_date": "2025-01-05"}
    anonymous["donor_kind"] = "anonymous"
    fees = {"category": "membership_fee", "amount": 500_000, "payer_count": 50}
    assert flags([anonymous, fees]) == [False, True]


@pytest.mark.parametrize(("amount", "published"), [(99_999, False), (100_000, True)])
def test_other_income(amount: int, published: bool) -> None:
    assert flags([{"category": "other_income", "amount": amount, "transaction_date": "2025-01-05"}]) == [
        published
    ]


@pytest.mark.parametrize(
    ("code", "address"),
    [("131016", "東京都千代田区"), ("011011", "北海道札幌市中央区"), ("130001", "東京都"), (None, None)],
)
def test_published_address_stops_at_the_municipality(code: str | None, address: str | None) -> None:
    assert published_address(code) == address


def test_public_for_three_years() -> None:
    rules = rules_on(date(2025, 1, 1))
    assert public_until(date(2025, 11, 28), rules) == date(2028, 11, 28)
    assert public_until(date(2024, 2, 29), rules) == date(2027, 3, 1)
