from __future__ import annotations

from datetime import UTC, datetime

from services.revitalization.calls.icalendar import Deadline, calendar, escape_text, fold

STAMP = datetime(2026, 4, 1, 3, 4, 5, tzinfo=UTC)


def test_text_escaping() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_folding_keeps_utf8_characters_whole() -> None:
    line = "SUMMARY:" + "公募" * 40
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == line
    assert fold("SHORT:x") == "SHORT:x"


def test_one_event_per_deadline_in_japan_time() -> None:
    deadline = Deadline(7, "題名", "説明", datetime(2026, 5, 29, 8, 0, tzinfo=UTC), STAMP, "example.jp")
    text = calendar([deadline], stamp=STAMP, name="締切").decode()
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert "UID:call-7@example.jp" in lines
    assert "DTSTAMP:20260401T030405Z" in lines
    assert "DTSTART;TZID=Asia/Tokyo:20260529T170000" in lines
    assert lines.count("BEGIN:VEVENT") == 1
    assert calendar([], stamp=STAMP, name="x").count(b"VEVENT") == 0
