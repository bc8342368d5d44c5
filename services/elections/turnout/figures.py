"""Pure turnout arithmetic: ages on polling day, age bands, percentages, hour marks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.elections.roll.eligibility import attains_age_on
from shared.values import JST

FIRST_HOUR, LAST_HOUR = 8, 20  # interim figures as of 08:00 ... 20:00 JST (polls 07:00-20:00)


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`, an age being attained the day before the birthday."""
    age = day.year - birth_date.year
    while age > 0 and attains_age_on(birth_date, age) > day:
        age -= 1
    while attains_age_on(birth_date, age + 1) <= day:
        age += 1
    return age


def age_band(age: int) -> str:
    if age < 18:
        return "under-18"
    if age < 20:
        return str(age)
    if age >= 80:
        return "80+"
    low = age - age % 5
    return f"{low}-{low + 4}"


AGE_BANDS = ("18", "19", *(f"{low}-{low + 4}" for low in range(20, 80, 5)), "80+")


def percent(voters: int, electors: int) -> str:
    """voters / electors × 100, truncated to two decimal places ('0.00' with no electors)."""
    if electors <= 0:
        return "0.00"
    hundredths = voters * 10000 // electors
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def hour_marks(polling_day: date) -> list[tuple[str, datetime]]:
    """(label, UTC instant) of each interim mark on polling day."""
    marks = []
    for hour in range(FIRST_HOUR, LAST_HOUR + 1):
        local = datetime.combine(polling_day, time(hour), tzinfo=JST)
        marks.append((f"{hour:02d}:00", local))
    return marks


def day_bounds(polling_day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(polling_day, time(0), tzinfo=JST)
    return start, start + timedelta(days=1)
