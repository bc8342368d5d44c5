"""The pure rules: age bands on a date, suppression, totals of published cells only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.registry.statistics import rules


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2000, 3, 1), date(2020, 3, 1), 20),
        (date(2000, 3, 1), date(2020, 2, 29), 19),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2020, 5, 10), date(2020, 5, 10), 0),
    ],
)
def test_age_is_counted_on_the_date(born: date, on: date, age: int) -> None:
    assert rules.age_on(born, on) == age


def _band_by_cutoffs(born: date, on: date) -> int:
    """What the SQL CASE computes: the first band whose cutoff the birth date is after."""
    for index, cutoff in enumerate(rules.band_cutoffs(on)):
        if born > cutoff:
            return index
    return len(rules.AGE_BANDS) - 1


@pytest.mark.parametrize("on", [date(2020, 3, 1), date(2020, 2, 29), date(2021, 2, 28), date(2021, 3, 1)])
def test_the_cutoffs_band_every_birth_date_as_its_age_does(on: date) -> None:
    born = on - timedelta(days=365 * 110)
    while born <= on:
        assert _band_by_cutoffs(born, on) == rules.band_of_age(rules.age_on(born, on)), born
        born += timedelta(days=1)


def test_bands_are_mics_five_year_bands() -> None:
    assert rules.AGE_BANDS[0] == "0-4"
    assert rules.AGE_BANDS[-2] == "95-99"
    assert rules.AGE_BANDS[-1] == "100+"
    assert len(rules.AGE_BANDS) == 21
    assert rules.band_of_age(104) == 20


def test_small_cells_are_suppressed_and_totals_add_published_cells_only() -> None:
    assert rules.cell(0, 3) == {"value": 0, "suppressed": False}
    assert rules.cell(1, 3) == {"value": None, "suppressed": True}
    assert rules.cell(2, 3) == {"value": None, "suppressed": True}
    assert rules.cell(3, 3) == {"value": 3, "suppressed": False}
    assert rules.cell(1, 1) == {"value": 1, "suppressed": False}
    cells = [rules.cell(count, 3) for count in (5, 1, 0, 2)]
    assert rules.total(cells) == {"value": 5, "suppressed_cells": 2}
