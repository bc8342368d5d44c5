from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from services.revitalization.calls.icalendar import Deadline, calendar

STAMP = datetime(2026, 4, 1, 3, 4, 5, tzinfo=UTC)


def _deadline(title: str = "題名") -> Deadline:
    return Deadline(7, title, "説明", datetime(2026, 5, 29, 8, 0, tzinfo=UTC), STAMP, "example.jp")


def test_one_event_per_deadline_in_japan_time() -> None:
    raw = calendar([_deadline()], stamp=STAMP, name="締切")
    lines = raw.decode().split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert "UID:call-7@example.jp" in lines
    assert "DTSTAMP:20260401T030405Z" in lines
    assert "DTSTART;TZID=Asia/Tokyo:20260529T170000" in lines
    assert "TZOFFSETTO:+0900" in lines
    assert lines.count("BEGIN:VEVENT") == 1
    assert calendar([], stamp=STAMP, name="x").count(b"VEVENT") == 0


def test_text_is_escaped_and_long_lines_folded() -> None:
    title = "公募, 締切; テスト\\" + "長い題名" * 20
    raw = calendar([_deadline(title)], stamp=STAMP, name="締切")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    unfolded = raw.decode().replace("\r\n ", "")
    assert "SUMMARY:締切 (deadline): 公募\\, 締切\\; テスト\\\\" in unfolded
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["summary"]) == f"締切 (deadline): {title}"
    assert event.decoded("dtstart") == datetime(2026, 5, 29, 8, 0, tzinfo=UTC)
