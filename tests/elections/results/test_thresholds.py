"""Statutory minimum vote and deposit forfeiture: every kind, boundaries compared exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from services.elections.results.thresholds import forfeits_deposit, reaches_minimum, statutory_lines
from shared.contracts.elections.common import ContestKind as K

LINES = [
    # kind, V, S, minimum, forfeiture line
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "120000", 1, Fraction(20000), Fraction(12000)),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1200000", 2, Fraction(100000), Fraction(75000)),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1000000", 1, Fraction(1000000, 6), Fraction(125000)),
    (K.PREFECTURAL_ASSEMBLY, "40000", 2, Fraction(5000), Fraction(2000)),
    (K.MUNICIPAL_ASSEMBLY, "30000", 26, Fraction(30000, 104), Fraction(30000, 260)),
    (K.GOVERNOR, "1000001", 1, Fraction(1000001, 4), Fraction(1000001, 10)),
    (K.MAYOR, "10000.5", 1, Fraction(100005, 40), Fraction(100005, 100)),
]


@pytest.mark.parametrize(("kind", "valid", "seats", "minimum", "forfeit"), LINES)
def test_lines_are_exact_fractions(
    kind: K, valid: str, seats: int, minimum: Fraction, forfeit: Fraction
) -> None:
    lines = statutory_lines(kind, Decimal(valid), seats)
    assert lines is not None
    assert lines.minimum_to_win == minimum
    assert lines.deposit_forfeited_below == forfeit


@pytest.mark.parametrize("kind", [K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, K.HOUSE_OF_COUNCILLORS_NATIONAL])
def test_proportional_contests_have_no_lines(kind: K) -> None:
    assert statutory_lines(kind, Decimal(1000), 10) is None


BOUNDARIES = [
    # V = 100000 for SMD: minimum 16666.666..., so 16666.666 fails and 16666.667 reaches it
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "100000", 1, "16666.666", False, False),
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "100000", 1, "16666.667", True, False),
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "120000", 1, "20000.000", True, False),
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "120000", 1, "19999.999", False, False),
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "120000", 1, "12000", False, False),
    (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, "120000", 1, "11999.999", False, True),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1200000", 2, "100000", True, False),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1200000", 2, "99999.999", False, False),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1200000", 2, "75000", False, False),
    (K.HOUSE_OF_COUNCILLORS_DISTRICT, "1200000", 2, "74999.999", False, True),
    (K.MUNICIPAL_ASSEMBLY, "30000", 26, "288.462", True, False),  # 30000/104 = 288.4615...
    (K.MUNICIPAL_ASSEMBLY, "30000", 26, "288.461", False, False),
    (K.MUNICIPAL_ASSEMBLY, "30000", 26, "115.385", False, False),  # 30000/260 = 115.3846...
    (K.MUNICIPAL_ASSEMBLY, "30000", 26, "115.384", False, True),
    (K.GOVERNOR, "1000001", 1, "250000.25", True, False),
    (K.GOVERNOR, "1000001", 1, "250000.249", False, False),
    (K.MAYOR, "50000", 1, "5000", False, False),
    (K.MAYOR, "50000", 1, "4999.999", False, True),
]


@pytest.mark.parametrize(("kind", "valid", "seats", "votes", "wins", "forfeits"), BOUNDARIES)
def test_boundaries(kind: K, valid: str, seats: int, votes: str, wins: bool, forfeits: bool) -> None:
    lines = statutory_lines(kind, Decimal(valid), seats)
    assert lines is not None
    assert reaches_minimum(Decimal(votes), lines) is wins
    assert forfeits_deposit(Decimal(votes), lines) is forfeits


def test_a_contest_has_a_seat() -> None:
    with pytest.raises(ValueError, match="seat"):
        statutory_lines(K.MAYOR, Decimal(1), 0)
