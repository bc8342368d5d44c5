from __future__ import annotations

from datetime import date

import pytest

from services.revitalization.eligibility.residence import (
    FORMER_COOPERATOR,
    FROM_ABROAD,
    ResidenceRule,
    check_cooperator_residence,
)
from services.revitalization.eligibility.source import ResidencePeriod as P

METRO = frozenset({"11", "12", "13", "14", "21", "23", "24", "26", "27", "28", "29"})
RULE = ResidenceRule(
    urban_prefecture_codes=METRO,
    designated_cities_are_urban=True,
    move_window_days_before=90,
    move_window_days_after=30,
    exceptions=frozenset({FORMER_COOPERATOR, FROM_ABROAD}),
    conditionally_eligible_areas={"133612": (), "133078": ("数馬",)},
)
STRICT = ResidenceRule(
    urban_prefecture_codes=METRO,
    designated_cities_are_urban=True,
    move_window_days_before=90,
    move_window_days_after=30,
)
START = date(2024, 7, 1)
RURAL = "032018"  # a municipality outside the metropolitan areas (Iwate prefecture)
CHIYODA = "131016"
SAPPORO_CHUO = "011011"  # ward of a designated city outside the metropolitan areas
SENDAI = "041009"  # a designated city
OTHER_RURAL = "052019"


def history(origin: str | None, moved: date, destination: str = RURAL, **extra: object) -> list[P]:
    periods = []
    if origin is not None:
        periods.append(P(origin, date(2015, 4, 1), moved.replace(day=1) if moved.day > 1 else moved))
    periods.append(P(destination, moved, None, **extra))  # type: ignore[arg-type]
    return periods


CASES = [
    # (name, periods, hiring, former, rule, eligible, failing or deciding code)
    ("tokyo ward to rural", history(CHIYODA, date(2024, 6, 1)), RURAL, False, RULE, True, "origin-urban"),
    (
        "designated-city ward",
        history(SAPPORO_CHUO, date(2024, 6, 1)),
        RURAL,
        False,
        RULE,
        True,
        "origin-urban",
    ),
    ("designated city", history(SENDAI, date(2024, 6, 1)), RURAL, False, RULE, True, "origin-urban"),
    (
        "designated cities not urban this year",
        history(SENDAI, date(2024, 6, 1)),
        RURAL,
        False,
        ResidenceRule(METRO, False, 90, 30),
        False,
        "origin-not-urban",
    ),
    ("rural to rural", history(OTHER_RURAL, date(2024, 6, 1)), RURAL, False, RULE, False, "origin-not-urban"),
    (
        "rural, former cooperator",
        history(OTHER_RURAL, date(2024, 6, 1)),
        RURAL,
        True,
        RULE,
        True,
        "former-cooperator-exception",
    ),
    (
        "rural, former cooperator, no exception",
        history(OTHER_RURAL, date(2024, 6, 1)),
        RURAL,
        True,
        STRICT,
        False,
        "origin-not-urban",
    ),
    (
        "from abroad",
        history(None, date(2024, 6, 1), moved_in_from_abroad=True),
        RURAL,
        False,
        RULE,
        True,
        "origin-abroad-exception",
    ),
    (
        "from abroad, no exception",
        history(None, date(2024, 6, 1), moved_in_from_abroad=True),
        RURAL,
        False,
        STRICT,
        False,
        "origin-not-urban",
    ),
    ("first day of window", history(CHIYODA, date(2024, 4, 2)), RURAL, False, RULE, True, "move-in-window"),
    (
        "one day before window",
        history(CHIYODA, date(2024, 4, 1)),
        RURAL,
        False,
        RULE,
        False,
        "move-outside-window",
    ),
    ("last day of window", history(CHIYODA, date(2024, 7, 31)), RURAL, False, RULE, True, "move-in-window"),
    ("one day after window", history(CHIYODA, date(2024, 8, 1)), RURAL, False, RULE, False, "no-move-in"),
    ("never moved in", [P(CHIYODA, date(2015, 4, 1))], RURAL, False, RULE, False, "no-move-in"),
    (
        "to an urban municipality",
        history("011002", date(2024, 6, 1), destination="131024"),
        "131024",
        False,
        RULE,
        False,
        "destination-not-eligible",
    ),
    (
        "to a designated rural municipality in Tokyo",
        history(CHIYODA, date(2024, 6, 1), destination="133612"),
        "133612",
        False,
        RULE,
        True,
        "destination-eligible",
    ),
    (
        "to a designated area of an urban municipality",
        history(CHIYODA, date(2024, 6, 1), destination="133078", area="数馬123"),
        "133078",
        False,
        RULE,
        True,
        "destination-eligible",
    ),
    (
        "to another area of that municipality",
        history(CHIYODA, date(2024, 6, 1), destination="133078", area="本宿1"),
        "133078",
        False,
        RULE,
        False,
        "destination-not-eligible",
    ),
]


@pytest.mark.parametrize(
    ("periods", "hiring", "former", "rule", "eligible", "code"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_residence_rule(
    periods: list[P], hiring: str, former: bool, rule: ResidenceRule, eligible: bool, code: str
) -> None:
    verdict = check_cooperator_residence(
        periods, hiring_municipality=hiring, appointment_start=START, rule=rule, former_cooperator=former
    )
    assert verdict.eligible is eligible
    assert code in [f.code for f in verdict.findings]
    assert all(f.detail for f in verdict.findings)
    if not eligible:
        assert verdict.failed


def test_the_latest_move_in_counts_after_an_earlier_stay() -> None:
    periods = [
        P(RURAL, date(2010, 4, 1), date(2019, 3, 31)),
        P(CHIYODA, date(2019, 4, 1), date(2024, 5, 31)),
        P(RURAL, date(2024, 6, 1)),
    ]
    verdict = check_cooperator_residence(
        periods, hiring_municipality=RURAL, appointment_start=START, rule=RULE
    )
    assert verdict.eligible


def test_a_move_within_the_municipality_is_not_a_new_move_in() -> None:
    periods = [
        P(CHIYODA, date(2015, 4, 1), date(2024, 5, 31)),
        P(RURAL, date(2024, 6, 1), date(2024, 6, 30)),
        P(RURAL, date(2024, 7, 1)),
    ]
    verdict = check_cooperator_residence(
        periods, hiring_municipality=RURAL, appointment_start=START, rule=RULE
    )
    assert verdict.eligible
    assert "2024-06-01" in verdict.findings[0].detail
