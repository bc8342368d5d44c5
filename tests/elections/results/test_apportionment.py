"""Fractional votes: proportional to clear votes, each share truncated after the third decimal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from services.elections.results.apportionment import apportion, truncate_thousandths

CASES = [
    # REFERENCE example
    (10, {"a": "330", "b": "130"}, {"a": "7.173", "b": "2.826"}),
    (1, {"a": "1", "b": "1"}, {"a": "0.500", "b": "0.500"}),
    (1, {"a": "1", "b": "1", "c": "1"}, {"a": "0.333", "b": "0.333", "c": "0.333"}),
    (2, {"a": "2", "b": "1"}, {"a": "1.333", "b": "0.666"}),
    (7, {"a": "100", "b": "0"}, {"a": "7.000", "b": "0.000"}),
    (0, {"a": "5", "b": "5"}, {"a": "0.000", "b": "0.000"}),
    (3, {"a": "0", "b": "0"}, {"a": "0.000", "b": "0.000"}),
    (1000, {"a": "1", "b": "2", "c": "4"}, {"a": "142.857", "b": "285.714", "c": "571.428"}),
    (5, {"a": "12.5", "b": "7.5"}, {"a": "3.125", "b": "1.875"}),
]


@pytest.mark.parametrize(("ballots", "clear", "expected"), CASES)
def test_apportion(ballots: int, clear: dict[str, str], expected: dict[str, str]) -> None:
    shares = apportion(ballots, {k: Decimal(v) for k, v in clear.items()})
    assert {k: str(v) for k, v in shares.items()} == expected
    assert sum(shares.values()) <= ballots


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(71739, 10000), "7.173"),
        (Fraction(2999, 1000), "2.999"),
        (Fraction(1, 3), "0.333"),
        (Fraction(0), "0"),
    ],
)
def test_truncation_never_rounds_up(value: Fraction, expected: str) -> None:
    assert truncate_thousandths(value) == Decimal(expected)


def test_negative_ballots_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        apportion(-1, {"a": Decimal(1)})
