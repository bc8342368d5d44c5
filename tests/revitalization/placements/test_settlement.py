from __future__ import annotations

import pytest

from services.revitalization.placements.settlement import Outcome, SettlementRate, settlement_rates


def test_rates_per_municipality_and_cohort() -> None:
    outcomes = [
        Outcome("032018", 2023, True),
        Outcome("032018", 2023, False),
        Outcome("032018", 2023, True),
        Outcome("032018", 2023, None),
        Outcome("032018", 2024, False),
        Outcome("011002", 2023, True),
    ]
    rates = settlement_rates(outcomes)
    assert rates == [
        SettlementRate("011002", 2023, 1, 1, 1),
        SettlementRate("032018", 2023, 4, 3, 2),
        SettlementRate("032018", 2024, 1, 1, 0),
    ]
    assert [r.rate_percent for r in rates] == [100.0, 66.7, 0.0]


@pytest.mark.parametrize(("checked", "settled", "percent"), [(0, 0, None), (3, 1, 33.3), (8, 5, 62.5)])
def test_rate_percent(checked: int, settled: int, percent: float | None) -> None:
    assert SettlementRate("032018", 2023, checked, checked, settled).rate_percent == percent
