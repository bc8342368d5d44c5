"""Fractional votes (按分票, art. 68-2): ballots naming only what several candidates share.

Each group of such ballots is split among the candidates it could mean, in proportion to their
clear votes in the counting district, each share truncated after the third decimal.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def truncate_thousandths(value: Fraction) -> Decimal:
    if value < 0:
        raise ValueError("shares are never negative")
    return Decimal(math.floor(value * 1000)) / 1000


def apportion(ballots: int, clear_votes: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Each candidate's share of `ballots`; all zero when none of them has a clear vote."""
    if ballots < 0:
        raise ValueError("ballots are never negative")
    total = sum((Fraction(votes) for votes in clear_votes.values()), Fraction(0))
    if total == 0:
        return {key: Decimal("0.000") for key in clear_votes}
    return {
        key: truncate_thousandths(Fraction(ballots) * Fraction(votes) / total).quantize(Decimal("0.001"))
        for key, votes in clear_votes.items()
    }
