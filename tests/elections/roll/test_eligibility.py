"""Eligibility for the voter roll: nationality, the birthday rule, 3-month and 4-month rules."""

from __future__ import annotations

from datetime import date

import pytest

from services.elections.roll.eligibility import (
    ReasonCode,
    ResidencePeriod,
    ResidentFacts,
    add_months,
    attains_age_on,
    decide,
    is_periodic_registration_date,
    periodic_registration_dates,
)

HERE, THERE = "131016", "011002"
POLLING_DAY = date(2026, 7, 12)
REFERENCE = date(2026, 6, 24)
LONG_AGO = date(2000, 1, 1)


def facts(
    birth: date = date(1980, 5, 5),
    nationality: str = "JP",
    residences: tuple[ResidencePeriod, ...] = (ResidencePeriod(HERE, LONG_AGO),),
    death: date | None = None,
) -> ResidentFacts:
    return ResidentFacts(birth, nationality, residences, death)


def codes(resident: ResidentFacts) -> tuple[bool, set[ReasonCode]]:
    decision = decide(resident, municipality=HERE, polling_day=POLLING_DAY, reference_date=REFERENCE)
    return decision.on_roll, {r.code for r in decision.reasons if not r.satisfied} or {
        r.code for r in decision.reasons
    }


@pytest.mark.parametrize(
    ("birth", "age", "attained"),
    [
        (date(2008, 7, 13), 18, date(2026, 7, 12)),
        (date(2008, 7, 12), 18, date(2026, 7, 11)),
        (date(2008, 3, 1), 18, date(2026, 2, 28)),
        (date(2008, 2, 29), 18, date(2026, 2, 28)),  # common year
        (date(2008, 2, 29), 20, date(2028, 2, 28)),  # leap year: day before 29 February
        (date(2008, 1, 1), 18, date(2025, 12, 31)),
    ],
)
def test_age_is_attained_the_day_before_the_birthday(birth: date, age: int, attained: date) -> None:
    assert attains_age_on(birth, age) == attained


@pytest.mark.parametrize(
    ("birth", "on_roll"),
    [
        (date(2008, 7, 12), True),  # 18th birthday on polling day
        (date(2008, 7, 13), True),  # the day after polling day: attains 18 on polling day
        (date(2008, 7, 14), False),  # two days after
        (date(2009, 1, 1), False),
        (date(1930, 1, 1), True),
    ],
)
def test_birthday_rule_on_polling_day(birth: date, on_roll: bool) -> None:
    assert (
        decide(
            facts(birth=birth), municipality=HERE, polling_day=POLLING_DAY, reference_date=REFERENCE
        ).on_roll
        is on_roll
    )


@pytest.mark.parametrize(
    ("nationality", "on_roll"), [("JP", True), ("jp", True), ("US", False), ("KR", False), ("", False)]
)
def test_nationality(nationality: str, on_roll: bool) -> None:
    assert codes(facts(nationality=nationality))[0] is on_roll


def test_death_removes() -> None:
    on_roll, reasons = codes(facts(death=date(2026, 6, 1)))
    assert not on_roll
    assert ReasonCode.DECEASED in reasons


# Reference date 24 June 2026: three months before is 24 March 2026.
@pytest.mark.parametrize(
    ("moved_in", "on_roll", "reason"),
    [
        (date(2026, 3, 23), True, ReasonCode.RESIDENT_3_MONTHS),
        (date(2026, 3, 24), True, ReasonCode.RESIDENT_3_MONTHS),
        (date(2026, 3, 25), False, ReasonCode.RESIDENT_LESS_THAN_3_MONTHS),
        (date(2026, 6, 24), False, ReasonCode.RESIDENT_LESS_THAN_3_MONTHS),
        (date(2026, 6, 25), False, ReasonCode.NOT_RESIDENT),
    ],
)
def test_three_months_residence(moved_in: date, on_roll: bool, reason: ReasonCode) -> None:
    result = codes(facts(residences=(ResidencePeriod(HERE, moved_in),)))
    assert result == (on_roll, {reason} if not on_roll else result[1])
    assert reason in result[1]


@pytest.mark.parametrize(
    ("reference", "moved_in", "on_roll"),
    [
        (date(2026, 3, 1), date(2025, 12, 1), True),
        (date(2026, 3, 1), date(2025, 12, 2), False),
        (date(2026, 5, 31), date(2026, 2, 28), True),  # no 31 February: clamped
        (date(2026, 5, 31), date(2026, 3, 1), False),
        (date(2024, 5, 31), date(2024, 2, 29), True),
    ],
)
def test_three_months_month_ends(reference: date, moved_in: date, on_roll: bool) -> None:
    resident = facts(residences=(ResidencePeriod(HERE, moved_in),))
    assert (
        decide(resident, municipality=HERE, polling_day=POLLING_DAY, reference_date=reference).on_roll
        is on_roll
    )


def test_adjacent_periods_are_continuous() -> None:
    resident = facts(
        residences=(
            ResidencePeriod(HERE, date(2026, 1, 1), date(2026, 5, 1)),
            ResidencePeriod(HERE, date(2026, 5, 1)),
        )
    )
    assert codes(resident)[0]


def test_a_gap_restarts_the_three_months() -> None:
    resident = facts(
        residences=(
            ResidencePeriod(HERE, date(2020, 1, 1), date(2026, 4, 1)),
            ResidencePeriod(THERE, date(2026, 4, 1), date(2026, 5, 1)),
            ResidencePeriod(HERE, date(2026, 5, 1)),
        )
    )
    assert codes(resident) == (False, {ReasonCode.RESIDENT_LESS_THAN_3_MONTHS})


# Moved out of HERE; reference 24 June 2026: four months after the move-out must be later.
@pytest.mark.parametrize(
    ("moved_out", "new_since", "on_roll", "reason"),
    [
        (date(2026, 2, 25), date(2026, 4, 1), True, ReasonCode.KEPT_AFTER_MOVE_OUT),  # until 25 June
        (date(2026, 2, 24), date(2026, 4, 1), False, ReasonCode.MOVED_OUT_4_MONTHS_AGO),  # 24 June: 4 months
        (date(2026, 3, 24), date(2026, 3, 24), False, ReasonCode.MOVED_OUT_3_MONTHS_AT_NEW_ADDRESS),
        (date(2026, 3, 25), date(2026, 3, 25), True, ReasonCode.KEPT_AFTER_MOVE_OUT),
        (date(2026, 6, 1), date(2026, 6, 1), True, ReasonCode.KEPT_AFTER_MOVE_OUT),
        (
            date(2026, 6, 24),
            date(2026, 6, 24),
            True,
            ReasonCode.KEPT_AFTER_MOVE_OUT,
        ),  # left on the reference date itself
    ],
)
def test_four_month_rule(moved_out: date, new_since: date, on_roll: bool, reason: ReasonCode) -> None:
    resident = facts(
        residences=(ResidencePeriod(HERE, LONG_AGO, moved_out), ResidencePeriod(THERE, new_since))
    )
    decision = decide(resident, municipality=HERE, polling_day=POLLING_DAY, reference_date=REFERENCE)
    assert decision.on_roll is on_roll
    assert reason in {r.code for r in decision.reasons}


def test_moved_out_before_having_three_months_is_not_kept() -> None:
    resident = facts(
        residences=(
            ResidencePeriod(HERE, date(2026, 3, 1), date(2026, 5, 1)),
            ResidencePeriod(THERE, date(2026, 5, 1)),
        )
    )
    assert codes(resident) == (False, {ReasonCode.MOVED_OUT_BEFORE_3_MONTHS})


def test_the_new_municipality_does_not_list_the_kept_voter() -> None:
    resident = facts(
        residences=(
            ResidencePeriod(HERE, LONG_AGO, date(2026, 6, 1)),
            ResidencePeriod(THERE, date(2026, 6, 1)),
        )
    )
    assert not decide(resident, municipality=THERE, polling_day=POLLING_DAY, reference_date=REFERENCE).on_roll


def test_every_reason_is_given() -> None:
    decision = decide(
        facts(nationality="US", birth=date(2010, 1, 1), residences=()),
        municipality=HERE,
        polling_day=POLLING_DAY,
        reference_date=REFERENCE,
    )
    assert {r.code for r in decision.reasons} == {
        ReasonCode.NOT_JAPANESE_NATIONAL,
        ReasonCode.UNDER_18_ON_POLLING_DAY,
        ReasonCode.NOT_RESIDENT,
    }
    assert all(r.detail for r in decision.reasons)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 10, 31), 4, date(2027, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_periodic_registration_dates() -> None:
    assert periodic_registration_dates(2026) == (
        date(2026, 3, 1),
        date(2026, 6, 1),
        date(2026, 9, 1),
        date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("day", "periodic"),
    [
        (date(2026, 3, 1), True),
        (date(2026, 6, 1), True),
        (date(2026, 9, 1), True),
        (date(2026, 12, 1), True),
        (date(2026, 2, 28), False),
        (date(2026, 3, 2), False),
        (date(2026, 1, 1), False),
        (date(2026, 4, 1), False),
        (date(2026, 11, 30), False),
    ],
)
def test_is_periodic_registration_date(day: date, periodic: bool) -> None:
    assert is_periodic_registration_date(day) is periodic


SEPTEMBER = date(2026, 9, 1)


def periodic(resident: ResidentFacts) -> tuple[bool, set[ReasonCode]]:
    decision = decide(
        resident, municipality=HERE, polling_day=POLLING_DAY, reference_date=SEPTEMBER, periodic=True
    )
    return decision.on_roll, {r.code for r in decision.reasons if not r.satisfied} or {
        r.code for r in decision.reasons
    }


@pytest.mark.parametrize(
    ("birth", "on_roll"),
    [
        (date(2008, 9, 1), True),  # attains 18 on 31 August
        (date(2008, 9, 2), True),  # attains 18 on 1 September, the registration date
        (date(2008, 9, 3), False),  # attains 18 on 2 September: waits for the next registration
    ],
)
def test_periodic_registration_counts_age_on_the_registration_date(birth: date, on_roll: bool) -> None:
    on, reasons = periodic(facts(birth=birth))
    assert on is on_roll
    expected = ReasonCode.AGE_18_ON_REGISTRATION_DATE if on_roll else ReasonCode.UNDER_18_ON_REGISTRATION_DATE
    assert expected in reasons


@pytest.mark.parametrize(
    ("moved_in", "on_roll"),
    [
        (date(2026, 6, 1), True),  # three months to the day before 1 September
        (date(2026, 6, 2), False),
    ],
)
def test_periodic_registration_counts_residence_to_the_registration_date(
    moved_in: date, on_roll: bool
) -> None:
    on, _ = periodic(facts(residences=(ResidencePeriod(HERE, moved_in),)))
    assert on is on_roll


def test_election_time_registration_counts_age_on_polling_day_not_the_reference_date() -> None:
    # 18 on polling day (12 July) but not yet on the reference date (24 June).
    on, reasons = codes(facts(birth=date(2008, 7, 1)))
    assert on is True
    assert ReasonCode.AGE_18_ON_POLLING_DAY in reasons
