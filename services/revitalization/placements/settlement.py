"""Settlement rate: of the people whose term has ended, the share still resident in the municipality."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outcome:
    municipality_code: str
    cohort: int
    """Fiscal year in which the term ended."""
    still_resident: bool | None
    """None until the registry has been asked."""


@dataclass(frozen=True, slots=True)
class SettlementRate:
    municipality_code: str
    cohort: int
    ended: int
    checked: int
    settled: int

    @property
    def rate_percent(self) -> float | None:
        """Settled among those checked, in percent with one decimal; None when nobody was checked."""
        if self.checked == 0:
            return None
        return round(self.settled * 1000 / self.checked) / 10


def settlement_rates(outcomes: Iterable[Outcome]) -> list[SettlementRate]:
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for outcome in outcomes:
        row = counts[(outcome.municipality_code, outcome.cohort)]
        row[0] += 1
        if outcome.still_resident is not None:
            row[1] += 1
            row[2] += int(outcome.still_resident)
    return [SettlementRate(m, c, *counts[(m, c)]) for m, c in sorted(counts)]
