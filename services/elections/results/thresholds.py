"""Statutory minimum vote (art. 95) and deposit forfeiture (art. 93), as exact fractions.

V is the contest's valid votes (fractional votes included), S its seats. Proportional contests
have neither line in this table: their seats follow D'Hondt, and a list's deposit follows its
seats, which this service does not compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from shared.contracts.elections.common import ContestKind


@dataclass(frozen=True, slots=True)
class Lines:
    minimum_to_win: Fraction
    deposit_forfeited_below: Fraction


# (divide V by S?, minimum divisor, forfeiture divisor)
_TABLE: dict[ContestKind, tuple[bool, int, int]] = {
    ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT: (False, 6, 10),
    ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT: (True, 6, 8),
    ContestKind.PREFECTURAL_ASSEMBLY: (True, 4, 10),
    ContestKind.MUNICIPAL_ASSEMBLY: (True, 4, 10),
    ContestKind.GOVERNOR: (False, 4, 10),
    ContestKind.MAYOR: (False, 4, 10),
}


def statutory_lines(kind: ContestKind, valid_votes: Decimal, seats: int) -> Lines | None:
    """The two lines of the table for this contest, or None for a proportional contest."""
    if seats < 1:
        raise ValueError("a contest has at least one seat")
    entry = _TABLE.get(kind)
    if entry is None:
        return None
    per_seat, minimum_divisor, forfeit_divisor = entry
    base = Fraction(valid_votes)
    if per_seat:
        base /= seats
    return Lines(minimum_to_win=base / minimum_divisor, deposit_forfeited_below=base / forfeit_divisor)


def reaches_minimum(votes: Decimal, lines: Lines) -> bool:
    """'At least' the minimum: equality wins."""
    return Fraction(votes) >= lines.minimum_to_win


def forfeits_deposit(votes: Decimal, lines: Lines) -> bool:
    """'Below' the line: equality keeps the deposit."""
    return Fraction(votes) < lines.deposit_forfeited_below
