"""The amount bands a search breakdown counts lines in (descriptive, not legal thresholds, though
their edges fall on the disclosure threshold of ¥50,000 and the individual per-recipient cap of
¥1,500,000)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Band:
    key: str
    min_amount: int
    max_amount: int | None


SIZE_BANDS: Final = (
    Band("up_to_50000", 0, 50_000),
    Band("50001_to_100000", 50_001, 100_000),
    Band("100001_to_500000", 100_001, 500_000),
    Band("500001_to_1000000", 500_001, 1_000_000),
    Band("1000001_to_1500000", 1_000_001, 1_500_000),
    Band("over_1500000", 1_500_001, None),
)


def band_of(amount: int) -> Band:
    for band in SIZE_BANDS:
        if band.max_amount is None or amount <= band.max_amount:
            return band
    raise AssertionError("the top band is open")
