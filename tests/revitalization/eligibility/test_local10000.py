from __future__ import annotations

from fractions import Fraction

import pytest

from services.revitalization.eligibility.local10000 import LoanTier, check_local10000

TIERS = [
    LoanTier(Fraction(1), 25_000_000),
    LoanTier(Fraction(3, 2), 35_000_000),
    LoanTier(Fraction(2), 50_000_000),
]
SHARES = {"standard": Fraction(1, 2), "fiscally_weak": Fraction(2, 3)}


@pytest.mark.parametrize(
    ("grant", "loan", "eligible", "cap", "code"),
    [
        (10_000_000, 9_999_999, False, None, "loan-too-small"),
        (10_000_000, 10_000_000, True, 25_000_000, "grant-within-cap"),
        (25_000_000, 25_000_000, True, 25_000_000, "grant-within-cap"),
        (25_000_001, 37_499_999, False, 25_000_000, "grant-above-cap"),
        (25_000_001, 37_500_002, True, 35_000_000, "grant-within-cap"),
        (30_000_000, 44_999_999, False, 25_000_000, "grant-above-cap"),
        (30_000_000, 45_000_000, True, 35_000_000, "grant-within-cap"),
        (35_000_000, 52_500_000, True, 35_000_000, "grant-within-cap"),
        (35_000_001, 69_999_999, False, 35_000_000, "grant-above-cap"),
        (35_000_000, 70_000_000, True, 50_000_000, "grant-within-cap"),
        (50_000_000, 100_000_000, True, 50_000_000, "grant-within-cap"),
        (50_000_001, 500_000_000, False, 50_000_000, "grant-above-cap"),
        (0, 1_000_000, False, None, "grant-not-positive"),
    ],
)
def test_loan_ratio_gives_the_cap(grant: int, loan: int, eligible: bool, cap: int | None, code: str) -> None:
    verdict = check_local10000(
        grant=grant, loan=loan, tiers=TIERS, national_shares=SHARES, category="standard"
    )
    assert verdict.eligible is eligible
    assert verdict.amounts.get("grant_cap") == cap
    assert code in [f.code for f in verdict.findings]


def test_refusal_says_which_loan_would_raise_the_cap() -> None:
    verdict = check_local10000(
        grant=30_000_000, loan=30_000_000, tiers=TIERS, national_shares=SHARES, category="standard"
    )
    assert "3/2" in verdict.failed[0].detail
    assert "35,000,000" in verdict.failed[0].detail


def test_loan_too_small_names_the_needed_loan() -> None:
    verdict = check_local10000(
        grant=10_000_001, loan=1, tiers=TIERS, national_shares=SHARES, category="standard"
    )
    assert "¥10,000,001" in verdict.failed[0].detail


@pytest.mark.parametrize(
    ("category", "national"),
    [("standard", 5_000_000), ("fiscally_weak", 6_666_666)],
)
def test_national_share_follows_the_category(category: str, national: int) -> None:
    verdict = check_local10000(
        grant=10_000_000, loan=10_000_000, tiers=TIERS, national_shares=SHARES, category=category
    )
    assert verdict.amounts["national_share"] == national
    assert verdict.amounts["local_share"] == 10_000_000 - national


def test_unknown_category_is_a_failed_finding() -> None:
    verdict = check_local10000(grant=1_000, loan=1_000, tiers=TIERS, national_shares=SHARES, category="x")
    assert not verdict.eligible
    assert verdict.failed[0].code == "unknown-category"
