from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values.timestamps import UtcDateTime, to_rfc3339, utc_now

ADAPTER: TypeAdapter[datetime] = TypeAdapter(UtcDateTime)
JST = timezone(timedelta(hours=9))


class Event(BaseModel):
    occurred_at: UtcDateTime


@pytest.mark.parametrize(
    "raw",
    [
        datetime(2026, 11, 27, 4, 28, 28),
        "2026-11-27T04:28:28",
        "2026-11-27 04:28:28.123456",
    ],
)
def test_naive_timestamps_are_rejected(raw: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == "timestamp_naive"
    assert error["msg"] == "timestamp must carry a UTC offset (RFC 3339)"


def test_naive_timestamp_rejected_in_json_body() -> None:
    with pytest.raises(ValidationError) as caught:
        Event.model_validate_json('{"occurred_at": "2026-11-27T04:28:28"}')
    assert caught.value.errors()[0]["type"] == "timestamp_naive"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-27T04:28:28.123456Z", datetime(2026, 11, 27, 4, 28, 28, 123456, tzinfo=UTC)),
        ("2026-11-27T13:28:28.123456+09:00", datetime(2026, 11, 27, 4, 28, 28, 123456, tzinfo=UTC)),
        ("2026-11-27T00:28:28-04:00", datetime(2026, 11, 27, 4, 28, 28, tzinfo=UTC)),
        (datetime(2026, 11, 27, 13, 28, 28, tzinfo=JST), datetime(2026, 11, 27, 4, 28, 28, tzinfo=UTC)),
    ],
)
def test_aware_timestamps_are_converted_to_utc(raw: Any, expected: datetime) -> None:
    value = ADAPTER.validate_python(raw)
    assert value == expected
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 27, 4, 28, 28, 123456, tzinfo=UTC), "2026-11-27T04:28:28.123456Z"),
        (datetime(2026, 11, 27, 4, 28, 28, tzinfo=UTC), "2026-11-27T04:28:28Z"),
        (datetime(2026, 11, 27, 4, 28, 28, 1000, tzinfo=UTC), "2026-11-27T04:28:28.001000Z"),
        (datetime(2026, 11, 27, 13, 28, 28, tzinfo=JST), "2026-11-27T04:28:28Z"),
        (datetime(2026, 1, 1, 8, 0, tzinfo=JST), "2025-12-31T23:00:00Z"),
    ],
)
def test_rfc3339_with_z(value: datetime, text: str) -> None:
    assert to_rfc3339(value) == text
    assert ADAPTER.dump_json(value) == f'"{text}"'.encode()


def test_model_round_trip() -> None:
    event = Event.model_validate_json('{"occurred_at": "2026-11-27T13:28:28.123456+09:00"}')
    assert event.model_dump_json() == '{"occurred_at":"2026-11-27T04:28:28.123456Z"}'
    assert event.model_dump()["occurred_at"] == datetime(2026, 11, 27, 4, 28, 28, 123456, tzinfo=UTC)
    assert event.model_dump(mode="json") == {"occurred_at": "2026-11-27T04:28:28.123456Z"}


def test_to_rfc3339_refuses_naive() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        to_rfc3339(datetime(2026, 11, 27))


def test_utc_now() -> None:
    before = datetime.now(UTC)
    now = utc_now()
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after
    assert ADAPTER.validate_python(now) == now


def test_json_schema() -> None:
    schema = ADAPTER.json_schema()
    assert schema["type"] == "string"
    assert schema["format"] == "date-time"
