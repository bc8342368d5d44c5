"""Who is on a municipality's voter roll (Public Offices Election Act art. 9, 21, 28).

Interpretations (also in the service docs):
- Age: a person attains an age at the end of the day before the birthday (Act on Calculation of
  Age), so someone whose 18th birthday is the day after polling day may vote. A 29 February birth
  attains it on 28 February in a common year.
- Three months' residence: continuously recorded in the municipality since a date no later than the
  same calendar day three months before the reference date (the last day of that month when it
  has no such day). E.g. reference date 1 March: moved in on 1 December or earlier.
- A voter who moved out stays on the old roll while the reference date is less than four months
  after the move-out (same calendar-day rule) and they have less than three months at the new
  address, provided they had three months in the old municipality when they left.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

VOTING_AGE = 18
JAPANESE = "JP"


@lru_cache(maxsize=4096)
def add_months(day: date, months: int) -> date:
    """The same calendar day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def attains_age_on(birth_date: date, age: int) -> date:
    """The day a person attains `age`: the day before the birthday."""
    try:
        birthday = birth_date.replace(year=birth_date.year + age)
    except ValueError:  # 29 February in a common year: the period ends with 28 February
        birthday = date(birth_date.year + age, 3, 1)
    return birthday - timedelta(days=1)


PERIODIC_REGISTRATION_MONTHS = (3, 6, 9, 12)


def periodic_registration_dates(year: int) -> tuple[date, ...]:
    """Periodic registration (定時登録): 1 March, June, September and December."""
    return tuple(date(year, month, 1) for month in PERIODIC_REGISTRATION_MONTHS)


def is_periodic_registration_date(day: date) -> bool:
    return day in periodic_registration_dates(day.year)


@dataclass(frozen=True, slots=True)
class ResidencePeriod:
    """Recorded in `local_government_code` from `from_date` until `to_date` (the move-out date)."""

    local_government_code: str
    from_date: date
    to_date: date | None = None

    def covers(self, day: date) -> bool:
        return self.from_date <= day and (self.to_date is None or day < self.to_date)


@dataclass(frozen=True, slots=True)
class ResidentFacts:
    birth_date: date
    nationality: str
    residences: Sequence[ResidencePeriod]
    death_date: date | None = None


class ReasonCode(StrEnum):
    JAPANESE_NATIONAL = "japanese_national"
    NOT_JAPANESE_NATIONAL = "not_japanese_national"
    AGE_18_ON_POLLING_DAY = "age_18_on_polling_day"
    UNDER_18_ON_POLLING_DAY = "under_18_on_polling_day"
    AGE_18_ON_REGISTRATION_DATE = "age_18_on_registration_date"
    UNDER_18_ON_REGISTRATION_DATE = "under_18_on_registration_date"
    DECEASED = "deceased"
    RESIDENT_3_MONTHS = "resident_3_months"
    RESIDENT_LESS_THAN_3_MONTHS = "resident_less_than_3_months"
    NOT_RESIDENT = "not_resident"
    KEPT_AFTER_MOVE_OUT = "kept_after_move_out"
    MOVED_OUT_4_MONTHS_AGO = "moved_out_4_months_ago"
    MOVED_OUT_3_MONTHS_AT_NEW_ADDRESS = "moved_out_3_months_at_new_address"
    MOVED_OUT_BEFORE_3_MONTHS = "moved_out_before_3_months"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    satisfied: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Decision:
    on_roll: bool
    reasons: tuple[Reason, ...]


def _continuous_from(residences: Sequence[ResidencePeriod], municipality: str, day: date) -> date | None:
    """Start of the unbroken stay in `municipality` that covers `day` (adjacent periods join)."""
    periods = [p for p in residences if p.local_government_code == municipality]
    if len(periods) > 1:
        periods.sort(key=lambda p: p.from_date)
    current = next((p for p in periods if p.covers(day)), None)
    if current is None:
        return None
    start = current.from_date
    for period in reversed(periods):
        if period.to_date is not None and period.to_date >= start and period.from_date < start:
            start = period.from_date
    return start


def _residence(facts: ResidentFacts, municipality: str, reference_date: date) -> Reason:
    three_months_before = add_months(reference_date, -3)
    since = _continuous_from(facts.residences, municipality, reference_date)
    if since is not None:
        if since <= three_months_before:
            return Reason(
                ReasonCode.RESIDENT_3_MONTHS,
                True,
                f"recorded here since {since}, on or before {three_months_before}",
            )
        return Reason(
            ReasonCode.RESIDENT_LESS_THAN_3_MONTHS,
            False,
            f"recorded here since {since}, after {three_months_before}",
        )
    left = [
        p
        for p in facts.residences
        if p.local_government_code == municipality and p.to_date is not None and p.to_date <= reference_date
    ]
    if not left:
        return Reason(ReasonCode.NOT_RESIDENT, False, f"not recorded here on {reference_date}")
    last = max(left, key=lambda p: p.to_date or p.from_date)
    moved_out = last.to_date
    assert moved_out is not None
    stay_from = (
        _continuous_from(facts.residences, municipality, moved_out - timedelta(days=1)) or last.from_date
    )
    if stay_from > add_months(moved_out, -3):
        return Reason(
            ReasonCode.MOVED_OUT_BEFORE_3_MONTHS,
            False,
            f"moved out on {moved_out} after less than three months here (since {stay_from})",
        )
    kept_until = add_months(moved_out, 4)
    if reference_date >= kept_until:
        return Reason(
            ReasonCode.MOVED_OUT_4_MONTHS_AGO,
            False,
            f"moved out on {moved_out}: four months passed on {kept_until}",
        )
    new_since = None
    for period in facts.residences:
        if period.local_government_code != municipality and period.covers(reference_date):
            new_since = _continuous_from(facts.residences, period.local_government_code, reference_date)
    if new_since is not None and new_since <= three_months_before:
        return Reason(
            ReasonCode.MOVED_OUT_3_MONTHS_AT_NEW_ADDRESS,
            False,
            f"moved out on {moved_out}; three months at the new address since {new_since}",
        )
    return Reason(
        ReasonCode.KEPT_AFTER_MOVE_OUT,
        True,
        f"moved out on {moved_out}, less than four months ago, and less than three months at the new address",
    )


def decide(
    facts: ResidentFacts,
    *,
    municipality: str,
    polling_day: date,
    reference_date: date,
    periodic: bool = False,
) -> Decision:
    """Whether the resident is on `municipality`'s roll, with every reason that decided it.

    Election-time registration counts age on polling day; periodic registration (`periodic`) counts
    it on the registration date, which is then the reference date too."""
    reasons: list[Reason] = []
    if facts.nationality.upper() == JAPANESE:
        reasons.append(Reason(ReasonCode.JAPANESE_NATIONAL, True, "Japanese national"))
    else:
        reasons.append(Reason(ReasonCode.NOT_JAPANESE_NATIONAL, False, f"nationality {facts.nationality}"))
    attained = attains_age_on(facts.birth_date, VOTING_AGE)
    age_day, label = (reference_date, "registration date") if periodic else (polling_day, "polling day")
    if attained <= age_day:
        code = ReasonCode.AGE_18_ON_REGISTRATION_DATE if periodic else ReasonCode.AGE_18_ON_POLLING_DAY
        reasons.append(Reason(code, True, f"18 from {attained}, {label} {age_day}"))
    else:
        code = ReasonCode.UNDER_18_ON_REGISTRATION_DATE if periodic else ReasonCode.UNDER_18_ON_POLLING_DAY
        reasons.append(Reason(code, False, f"18 only from {attained}, after {label} {age_day}"))
    if facts.death_date is not None:
        reasons.append(Reason(ReasonCode.DECEASED, False, f"died on {facts.death_date}"))
    reasons.append(_residence(facts, municipality, reference_date))
    return Decision(all(reason.satisfied for reason in reasons), tuple(reasons))
