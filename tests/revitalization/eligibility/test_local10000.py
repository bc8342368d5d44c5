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
        grant=grant, loan=loan, tiers=TIERS, national_shares=SHARES, category_caps={}, category="standard"
    )
    assert verdict.eligible is eligible
    assert verdict.amounts.get("grant_cap") == cap
    assert code in [f.code for f in verdict.findings]


def test_refusal_says_which_loan_would_raise_the_cap() -> None:
    verdict = check_local10000(
        grant=30_000_000,
        loan=30_000_000,
        tiers=TIERS,
        national_shares=SHARES,
        category_caps={},
        category="standard",
    )
    assert "3/2" in verdict.failed[0].detail
    assert "35,000,000" in verdict.failed[0].detail


def test_loan_too_small_names_the_needed_loan() -> None:
    verdict = check_local10000(
        grant=10_000_001, loan=1, tiers=TIERS, national_shares=SHARES, category_caps={}, category="standard"
    )
    assert "¥10,000,001" in verdict.failed[0].detail


@pytest.mark.parametrize(
    ("category", "national"),
    [("standard", 5_000_000), ("fiscally_weak", 6_666_666)],
)
def test_national_share_follows_the_category(category: str, national: int) -> None:
    verdict = check_local10000(
        grant=10_000_000,
        loan=10_000_000,
        tiers=TIERS,
        national_shares=SHARES,
        category_caps={},
        category=category,
    )
    assert verdict.amounts["national_share"] == national
    assert verdict.amounts["local_share"] == 10_000_000 - national


def test_unknown_category_is_a_failed_finding() -> None:
    verdict = check_local10000(
        grant=1_000, loan=1_000, tiers=TIERS, national_shares=SHARES, category_caps={}, category="x"
    )
    assert not verdict.eligible
    assert verdict.failed[0].code == "unknown-category"


CATEGORY_CAPS = {"fiscally_weak": 30_000_000}


@pytest.mark.parametrize(
    ("category", "grant", "loan", "eligible", "cap"),
    [
        # The category's cap lowers the loan tier's cap, at its boundary.
        ("fiscally_weak", 30_000_000, 60_000_000, True, 30_000_000),
        ("fiscally_weak", 30_000_001, 60_000_002, False, 30_000_000),
        # ... and never raises it.
        ("fiscally_weak", 25_000_000, 25_000_000, True, 25_000_000),
        ("fiscally_weak", 25_000_001, 25_000_001, False, 25_000_000),
        # A category without a cap of its own keeps the loan tier's.
        ("standard", 30_000_001, 60_000_002, True, 50_000_000),
    ],
)
def test_category_caps_the_grant(category: str, grant: int, loan: int, eligible: bool, cap: int) -> None:
    verdict = check_local10000(
        grant=grant,
        loan=loan,
        tiers=TIERS,
        national_shares=SHARES,
        category_caps=CATEGORY_CAPS,
        category=category,
    )
    assert verdict.eligible is eligible
    assert verdict.amounts["grant_cap"] == cap


def test_category_cap_hint_counts_the_category_cap() -> None:
    verdict = check_local10000(
        grant=30_000_000,
        loan=30_000_000,
        tiers=TIERS,
        national_shares=SHARES,
        category_caps=CATEGORY_CAPS,
        category="fiscally_weak",
    )
    assert verdict.failed[0].code == "grant-above-cap"
    assert "3/2" in verdict.failed[0].detail
    assert "¥30,000,000" in verdict.failed[0].detail


@pytest.mark.parametrize(
    ("grant", "share", "national"),
    [
        (1, Fraction(2, 3), 0),
        (2, Fraction(2, 3), 1),
        (3, Fraction(2, 3), 2),
        (25_000_000, Fraction(3, 4), 18_750_000),
    ],
)
def test_national_share_truncates_to_the_yen(grant: int, share: Fraction, national: int) -> None:
    verdict = check_local10000(
        grant=grant, loan=grant, tiers=TIERS, national_shares={"c": share}, category_caps={}, category="c"
    )
    assert verdict.amounts["national_share"] == national
    assert verdict.amounts["local_share"] == grant - national
