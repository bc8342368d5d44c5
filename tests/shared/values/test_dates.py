from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.values import DATE_MAX, DATE_MIN, CalendarDate, UtcDateTime

dates: TypeAdapter[date] = TypeAdapter(CalendarDate)
instants: TypeAdapter[object] = TypeAdapter(UtcDateTime)


def test_dates_within_the_supported_range_pass() -> None:
    assert dates.validate_python("1873-01-01") == DATE_MIN
    assert dates.validate_python(DATE_MAX.isoformat()) == DATE_MAX == date(2201, 3, 31)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1872-12-31", "2201-04-01"])
def test_dates_outside_it_are_refused_as_input(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        dates.validate_python(value)
    assert refused.value.errors()[0]["type"] == "date_out_of_range"


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+09:00"])
def test_instants_at_the_calendars_ends_are_refused_not_overflowed(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        instants.validate_python(value)
    assert refused.value.errors()[0]["type"] == "date_out_of_range"
