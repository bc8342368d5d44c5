"""An organization's report deadlines as an iCalendar document (RFC 5545), without I/O.

One all-day event per report: the due date, with what happened (filed on time, filed late, not
filed yet). UIDs are stable (`funds-<organization>-<year>-report@jichi`), so a calendar
application that subscribes updates the events in place instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from shared.contracts.funds_feed import Deadline
from shared.values import JST

MEDIA_TYPE = "text/calendar; charset=utf-8"


def _status(deadline: Deadline) -> str:
    if deadline.filed_at is None:
        return "未提出 (not filed)"
    day = deadline.filed_at.astimezone(JST).date().isoformat()
    if deadline.filed_late:
        return f"期限後に提出 {day} (filed late)"
    return f"提出済み {day} (filed)"


def deadline_calendar(
    organization_id: int, organization_name: str, deadlines: Sequence[Deadline], *, stamp: datetime
) -> bytes:
    """The calendar of `deadlines`; `stamp` (DTSTAMP) is when its content last changed."""
    calendar = Calendar()
    calendar.add("prodid", "-//jichi//funds report deadlines//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{organization_name} 収支報告書の提出期限")
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"funds-{organization_id}-{deadline.year}-report@jichi")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_date)
        event.add("dtend", deadline.due_date + timedelta(days=1))
        event.add("summary", f"{organization_name}: {deadline.year}年分 収支報告書 提出期限")
        event.add("description", _status(deadline))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
