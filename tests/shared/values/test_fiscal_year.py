from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.values.fiscal_year import (
    JST,
    FiscalYear,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)

ADAPTER: TypeAdapter[int] = TypeAdapter(FiscalYear)


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2024, 1, 1), 2023),
        (date(2024, 2, 29), 2023),
        (date(2024, 12, 31), 2024),
        (date(2024, 4, 1), 2024),
        (date(2026, 11, 27), 2026),
    ],
)
def test_fiscal_year_of(day: date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


@pytest.mark.parametrize(
    ("moment", "fiscal_year"),
    [
        (datetime(2025, 3, 31, 14, 59, 59, tzinfo=UTC), 2024),  # 23:59:59 JST on 31 March
        (datetime(2025, 3, 31, 15, 0, 0, tzinfo=UTC), 2025),  # 00:00 JST on 1 April
        (datetime(2025, 4, 1, 0, 0, 0, tzinfo=JST), 2025),
        (datetime(2025, 3, 31, 23, 59, 59, tzinfo=JST), 2024),
    ],
)
def test_fiscal_year_of_aware_datetime_uses_japan_time(moment: datetime, fiscal_year: int) -> None:
    assert fiscal_year_of(moment) == fiscal_year


def test_fiscal_year_of_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        fiscal_year_of(datetime(2025, 4, 1))


@pytest.mark.parametrize(
    ("fiscal_year", "start", "end"),
    [
        (2024, date(2024, 4, 1), date(2025, 3, 31)),
        (2025, date(2025, 4, 1), date(2026, 3, 31)),
        (1947, date(1947, 4, 1), date(1948, 3, 31)),
        (2200, date(2200, 4, 1), date(2201, 3, 31)),
    ],
)
def test_start_and_end(fiscal_year: int, start: date, end: date) -> None:
    assert fiscal_year_start(fiscal_year) == start
    assert fiscal_year_end(fiscal_year) == end
    assert fiscal_year_of(start) == fiscal_year
    assert fiscal_year_of(end) == fiscal_year
    assert fiscal_year_of(start - timedelta(days=1)) == fiscal_year - 1
    assert fiscal_year_of(end + timedelta(days=1)) == fiscal_year + 1


@pytest.mark.parametrize("fiscal_year", [2023, 2024])  # fiscal 2023 contains 29 February 2024
def test_every_day_of_a_fiscal_year_maps_back(fiscal_year: int) -> None:
    day = fiscal_year_start(fiscal_year)
    days = 0
    while day <= fiscal_year_end(fiscal_year):
        assert fiscal_year_of(day) == fiscal_year
        day += timedelta(days=1)
        days += 1
    assert days == (fiscal_year_end(fiscal_year) - fiscal_year_start(fiscal_year)).days + 1


@pytest.mark.parametrize(("raw", "expected"), [(1947, 1947), (2024, 2024), (2200, 2200), ("2024", 2024)])
def test_pydantic_type_accepts(raw: Any, expected: int) -> None:
    assert ADAPTER.validate_python(raw) == expected


@pytest.mark.parametrize(
    ("raw", "error_type"),
    [
        (1946, "greater_than_equal"),
        (2201, "less_than_equal"),
        (2024.5, "int_from_float"),
        ("R6", "int_parsing"),
    ],
)
def test_pydantic_type_rejects(raw: Any, error_type: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    assert caught.value.errors()[0]["type"] == error_type


def test_json_schema() -> None:
    schema = ADAPTER.json_schema()
    assert schema["type"] == "integer"
    assert (schema["minimum"], schema["maximum"]) == (1947, 2200)
