from __future__ import annotations

from datetime import date

from services.revitalization.results.rules import date_refusal

AWARDED, TODAY = date(2024, 7, 1), date(2024, 12, 6)


def test_results_are_dated_between_the_award_and_today() -> None:
    assert date_refusal(AWARDED, awarded_on=AWARDED, today=TODAY, what="d") is None
    assert date_refusal(TODAY, awarded_on=AWARDED, today=TODAY, what="d") is None
    assert date_refusal(date(2024, 6, 30), awarded_on=AWARDED, today=TODAY, what="d")[0] == "before-award"  # type: ignore[index]
    assert date_refusal(date(2024, 12, 7), awarded_on=AWARDED, today=TODAY, what="d")[0] == "date-in-future"  # type: ignore[index]
