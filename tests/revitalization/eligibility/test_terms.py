from __future__ import annotations

from datetime import date

import pytest

from services.revitalization.eligibility.calendar import add_months, last_day_of_term
from services.revitalization.eligibility.terms import check_extension, check_term


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 4, 1), 12, date(2025, 4, 1)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2024, 4, 1), date(2024, 9, 29), "term-too-short"),
        (date(2024, 4, 1), date(2024, 9, 30), "term-within-limits"),  # exactly six months
        (date(2024, 4, 1), date(2027, 3, 31), "term-within-limits"),  # exactly three years
        (date(2024, 4, 1), date(2027, 4, 1), "term-too-long"),
        (date(2024, 4, 1), date(2024, 3, 31), "term-reversed"),
        (date(2024, 8, 31), date(2025, 2, 27), "term-within-limits"),  # six months from 31 Aug ends 27 Feb
        (date(2024, 8, 31), date(2025, 2, 26), "term-too-short"),
    ],
)
def test_entrepreneur_secondment_six_months_to_three_years(start: date, end: date, code: str) -> None:
    verdict = check_term(start=start, end=end, min_months=6, max_months=36, what="secondment")
    assert [f.code for f in verdict.findings] == [code]
    assert verdict.eligible is (code == "term-within-limits")


@pytest.mark.parametrize(
    ("current_end", "new_end", "code"),
    [
        (date(2025, 3, 31), date(2027, 3, 31), "extension-allowed"),
        (date(2025, 3, 31), date(2027, 4, 1), "extension-beyond-limit"),
        (date(2025, 3, 31), date(2025, 3, 31), "extension-not-later"),
        (date(2025, 3, 31), date(2025, 1, 1), "extension-not-later"),
    ],
)
def test_extension_up_to_the_programme_limit(current_end: date, new_end: date, code: str) -> None:
    verdict = check_extension(start=date(2024, 4, 1), current_end=current_end, new_end=new_end, max_months=36)
    assert [f.code for f in verdict.findings] == [code]


def test_last_day_of_a_three_year_term() -> None:
    assert last_day_of_term(date(2024, 4, 1), 36) == date(2027, 3, 31)
