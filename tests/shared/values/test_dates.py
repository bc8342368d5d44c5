import re
from datetime import date, time

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values import DATE_MAX, DATE_MIN, CalendarDate, TimeOfDay, UtcDateTime

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


class _Hours(BaseModel):
    opens_at: TimeOfDay


@pytest.mark.parametrize(("sent", "read"), [("07:00", time(7, 0)), ("19:59:30", time(19, 59, 30))])
def test_a_time_of_day_is_read_with_or_without_seconds(sent: str, read: time) -> None:
    assert _Hours.model_validate({"opens_at": sent}).opens_at == read
    assert _Hours(opens_at=read).model_dump(mode="json")["opens_at"] == read.isoformat()


@pytest.mark.parametrize(
    "sent", ["7:00", "07:00:00Z", "07:00:00+09:00", "07:00:00.5", "24:00", "０７:００", ""]
)
def test_a_time_of_day_takes_only_the_documented_form(sent: str) -> None:
    with pytest.raises(ValidationError, match="time of day in Japan"):
        _Hours.model_validate({"opens_at": sent})


def test_a_time_of_day_is_documented_as_a_patterned_string_not_an_rfc3339_time() -> None:
    """OpenAPI's `format: time` needs an offset; validators of generated clients refuse 07:00:00."""
    schema = _Hours.model_json_schema()["properties"]["opens_at"]
    assert schema["type"] == "string"
    assert "format" not in schema
    assert re.fullmatch(schema["pattern"].strip("^$"), "07:00:00")
