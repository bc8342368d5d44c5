from __future__ import annotations

from datetime import date

import pytest

from services.funds.rulebook import RULES, CapStep, cap_for, rules_on, with_company_steps_above_10bn


@pytest.mark.parametrize(
    ("day", "threshold"),
    [
        (date(2025, 12, 31), 200_000),
        (date(2026, 12, 31), 200_000),
        (date(2027, 1, 1), 50_000),
        (date(2030, 6, 1), 50_000),
        (date(1990, 1, 1), 200_000),
    ],
)
def test_party_ticket_threshold_is_dated(day: date, threshold: int) -> None:
    assert rules_on(day).party_ticket_disclosure_over == threshold


def test_periods_are_in_order() -> None:
    assert [r.effective_from for r in RULES] == sorted(r.effective_from for r in RULES)


@pytest.mark.parametrize(("size", "cap"), [(0, 1), (9, 1), (10, 2), (99, 2), (100, 3)])
def test_cap_for_steps(size: int, cap: int) -> None:
    assert cap_for((CapStep(0, 1), CapStep(10, 2), CapStep(100, 3)), size) == cap


def test_unverified_steps_are_listed_and_configurable() -> None:
    assert any("¥10bn" in note for note in RULES[0].unverified)
    table = with_company_steps_above_10bn(RULES, [(20_000_000_000, 60_000_000)])
    assert table[0].company_caps_by_capital[-1] == CapStep(20_000_000_000, 60_000_000)
    assert with_company_steps_above_10bn(RULES, []) == RULES
