"""The carry-over rules by hand."""

from __future__ import annotations

from datetime import date

from services.revitalization.budgets.carryover import AwardMoney, carry_over_refusal, paying_year

AWARD = AwardMoney(
    fiscal_year=2024,
    approved=4_000_000,
    disbursed=1_000_000,
    carried_amount=0,
    carried_fiscal_year=None,
    carried_disbursed=0,
)
MARCH = date(2025, 3, 19)


def test_only_the_unspent_part_within_the_award_year_once() -> None:
    assert AWARD.unspent_in_award_year == 3_000_000
    assert carry_over_refusal(AWARD, 3_000_000, MARCH) is None
    assert carry_over_refusal(AWARD, 3_000_001, MARCH) is not None
    assert carry_over_refusal(AWARD, 1, date(2025, 4, 1))[0] == "carry-over-outside-award-year"  # type: ignore[index]
    assert carry_over_refusal(AWARD, 1, date(2024, 4, 1)) is None  # the year's first day
    carried = AwardMoney(2024, 4_000_000, 1_500_000, 2_500_000, 2025, 500_000)
    # Award year: (4,000,000 - 2,500,000) - (1,500,000 - 500,000) = 500,000.
    assert carried.unspent_in_award_year == 500_000
    assert carry_over_refusal(carried, 1, MARCH)[0] == "already-carried-over"  # type: ignore[index]


def test_a_payment_comes_from_the_award_year_or_the_year_it_was_carried_into() -> None:
    assert paying_year(AWARD, None) == 2024
    assert paying_year(AWARD, 2025) is None
    carried = AwardMoney(2024, 4_000_000, 0, 1_000_000, 2025, 0)
    assert paying_year(carried, 2025) == 2025
    assert paying_year(carried, 2026) is None
