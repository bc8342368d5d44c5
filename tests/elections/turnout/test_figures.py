from __future__ import annotations

from datetime import date

import pytest

from services.elections.turnout.figures import AGE_BANDS, age_band, age_on, hour_marks, percent


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2008, 7, 6), date(2026, 7, 5), 18),  # the day before the 18th birthday
        (date(2008, 7, 7), date(2026, 7, 5), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(1946, 7, 6), date(2026, 7, 5), 80),
        (date(1946, 7, 7), date(2026, 7, 5), 79),
    ],
)
def test_age_on(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (17, "under-18"),
        (18, "18"),
        (19, "19"),
        (20, "20-24"),
        (24, "20-24"),
        (25, "25-29"),
        (79, "75-79"),
        (80, "80+"),
        (104, "80+"),
    ],
)
def test_age_band(age: int, band: str) -> None:
    assert age_band(age) == band
    assert band in AGE_BANDS or band == "under-18"


@pytest.mark.parametrize(
    ("voters", "electors", "text"),
    [
        (1, 3, "33.33"),
        (2, 3, "66.66"),
        (0, 0, "0.00"),
        (5, 5, "100.00"),
        (1, 10000, "0.01"),
        (1, 10001, "0.00"),
    ],
)
def test_percent_truncates(voters: int, electors: int, text: str) -> None:
    assert percent(voters, electors) == text


def test_hour_marks_are_jst() -> None:
    marks = hour_marks(date(2026, 7, 5))
    assert marks[0][0] == "08:00"
    assert marks[0][1].isoformat() == "2026-07-05T08:00:00+09:00"
    assert marks[-1][0] == "20:00"
