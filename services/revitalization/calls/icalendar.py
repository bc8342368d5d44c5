"""The deadlines of calls as an iCalendar (RFC 5545) document: pure, no I/O.

One VEVENT per call at its closing instant, written in Japan time with a VTIMEZONE for Asia/Tokyo
(+09:00, no daylight saving). Text values are escaped (backslash, semicolon, comma, newline) and lines
longer than 75 octets are folded without splitting a UTF-8 character; lines end in CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from services.revitalization.calls.rules import in_japan_time

PRODID = "-//jichi//revitalization calls//JA"
TZID = "Asia/Tokyo"
MAX_OCTETS = 75

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True, slots=True)
class Deadline:
    call_id: int
    title: str
    description: str
    closes_at: datetime
    updated_at: datetime
    uid_domain: str


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (§3.1): each continuation starts with one space."""
    pieces: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for character in line:
        width = len(character.encode())
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += character
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(deadline: Deadline, stamp: datetime) -> list[str]:
    local = in_japan_time(deadline.closes_at).strftime("%Y%m%dT%H%M%S")
    return [
        "BEGIN:VEVENT",
        f"UID:call-{deadline.call_id}@{deadline.uid_domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"LAST-MODIFIED:{_utc(deadline.updated_at)}",
        f"DTSTART;TZID={TZID}:{local}",
        f"SUMMARY:{escape_text('締切 (deadline): ' + deadline.title)}",
        f"DESCRIPTION:{escape_text(deadline.description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar(deadlines: Iterable[Deadline], *, stamp: datetime, name: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for deadline in deadlines:
        lines += _event(deadline, stamp)
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode()
