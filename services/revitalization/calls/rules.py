"""A call's status at an instant and whether it accepts an application then: pure, no I/O.

Both ends of the window are included: an application received at `closes_at` exactly is in time,
one received a second later is not (a 公募 deadline such as 「17時必着」 admits what arrives at 17:00:00).
"""

from __future__ import annotations

from datetime import datetime

from shared.contracts.revitalization_calls import CallStatus
from shared.values import JST


def status_at(now: datetime, *, opens_at: datetime, closes_at: datetime, archived: bool) -> CallStatus:
    if archived:
        return CallStatus.ARCHIVED
    if now < opens_at:
        return CallStatus.FORECAST
    if now <= closes_at:
        return CallStatus.OPEN
    return CallStatus.CLOSED


def accepts_applications(status: CallStatus) -> bool:
    return status is CallStatus.OPEN


def can_archive(status: CallStatus) -> bool:
    return status is CallStatus.CLOSED


def in_japan_time(instant: datetime) -> datetime:
    return instant.astimezone(JST)


def japan_time_to_the_second(instant: datetime) -> datetime:
    """The instant in Japan time without its fraction of a second; written by isoformat or orjson, it reads
    as `japan_time_text`."""
    local = instant.astimezone(JST)
    return local.replace(microsecond=0) if local.microsecond else local


def japan_time_text(instant: datetime) -> str:
    """`2026-12-25T17:00:00+09:00`."""
    return japan_time_to_the_second(instant).isoformat()


def prefecture_of(local_government_code: str) -> str:
    return local_government_code[:2]
