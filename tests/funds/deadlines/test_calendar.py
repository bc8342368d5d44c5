"""The iCalendar document on its own: escaping, folding, stable identifiers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar

from services.funds.deadlines.calendar import deadline_calendar
from shared.contracts.funds_feed import Deadline


def test_text_is_escaped_and_long_lines_folded() -> None:
    name = "日本の未来を考える会, 政策研究; 第一支部" * 3
    deadlines = [
        Deadline(organization_id=7, year=2024, due_date=date(2025, 3, 31), filed_at=None, filed_late=None)
    ]
    document = deadline_calendar(7, name, deadlines, stamp=datetime(2025, 1, 1, tzinfo=UTC))
    assert all(len(line) <= 75 for line in document.split(b"\r\n"))
    assert b"\\, " in document
    assert b"\\;" in document
    event = Calendar.from_ical(document).walk("VEVENT")[0]
    assert str(event["summary"]) == f"{name}: 2024年分 収支報告書 提出期限"
    assert event.decoded("dtstamp") == datetime(2025, 1, 1, tzinfo=UTC)
    assert document.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"VERSION:2.0" in document


def test_an_organization_without_reports_yet_has_an_empty_calendar() -> None:
    document = deadline_calendar(1, "会", [], stamp=datetime(2025, 1, 1, tzinfo=UTC))
    assert Calendar.from_ical(document).walk("VEVENT") == []
