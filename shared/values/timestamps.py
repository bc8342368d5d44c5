"""Timestamps: aware, in UTC, written as RFC 3339 with ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.values.dates import check_supported_day


def utc_now() -> datetime:
    """The current time as an aware ``datetime`` in UTC."""
    return datetime.now(UTC)


def to_rfc3339(value: datetime) -> str:
    """``2026-11-27T04:28:28.123456Z``; the fraction is left out when it is zero."""
    if value.utcoffset() is None:
        raise ValueError("timestamp must carry a UTC offset (RFC 3339)")
    # isoformat() drops a zero fraction by itself and in UTC ends in "+00:00"; listings call this per row.
    return value.astimezone(UTC).isoformat()[:-6] + "Z"


def _require_utc_offset(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise PydanticCustomError("timestamp_naive", "timestamp must carry a UTC offset (RFC 3339)")
    check_supported_day(value)  # before the conversion, which overflows at the calendar's ends
    return value.astimezone(UTC)


UtcDateTime = Annotated[
    datetime,
    AfterValidator(_require_utc_offset),
    PlainSerializer(to_rfc3339, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "An instant as RFC 3339 with a UTC offset; returned in UTC with 'Z'.",
            "examples": ["2026-11-27T04:28:28.123456Z"],
        }
    ),
]
"""An aware ``datetime`` converted to UTC; JSON output is RFC 3339 with ``Z``."""
