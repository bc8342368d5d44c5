"""Reading values back from either database the same way."""

from __future__ import annotations

from datetime import UTC, datetime


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for UTC columns; PostgreSQL returns aware ones."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
