from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from services.revitalization.calls.rules import (
    accepts_applications,
    can_archive,
    japan_time_text,
    japan_time_to_the_second,
    prefecture_of,
    status_at,
)
from shared.contracts.revitalization_calls import CallStatus

OPENS = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
CLOSES = datetime(2026, 5, 29, 8, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (OPENS - SECOND, CallStatus.FORECAST),
        (OPENS, CallStatus.OPEN),
        (CLOSES - SECOND, CallStatus.OPEN),
        (CLOSES, CallStatus.OPEN),  # the closing instant is included
        (CLOSES + timedelta(microseconds=1), CallStatus.CLOSED),
        (CLOSES + SECOND, CallStatus.CLOSED),
    ],
)
def test_status_around_the_window(now: datetime, expected: CallStatus) -> None:
    assert status_at(now, opens_at=OPENS, closes_at=CLOSES, archived=False) is expected
    assert accepts_applications(expected) is (expected is CallStatus.OPEN)


def test_archived_wins_and_only_closed_calls_archive() -> None:
    assert status_at(OPENS, opens_at=OPENS, closes_at=CLOSES, archived=True) is CallStatus.ARCHIVED
    assert [status for status in CallStatus if can_archive(status)] == [CallStatus.CLOSED]


def test_japan_time() -> None:
    assert japan_time_text(CLOSES) == "2026-05-29T17:00:00+09:00"
    # 15:00 UTC is already the next day in Japan.
    assert japan_time_text(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == "2026-04-01T00:00:00+09:00"
    assert prefecture_of("030007") == "03"


@pytest.mark.parametrize(
    "instant",
    [CLOSES, CLOSES + timedelta(microseconds=999_999), datetime(2026, 3, 31, 15, 0, 0, 1, tzinfo=UTC)],
)
def test_the_search_writes_japan_time_with_orjson_as_the_text_reads(instant: datetime) -> None:
    assert orjson.dumps(japan_time_to_the_second(instant)) == orjson.dumps(japan_time_text(instant))
