"""The deadlines of calls as an iCalendar (RFC 5545) document, written with the `icalendar` library
(text escaping, line folding at 75 octets, CRLF): pure, no I/O.

One VEVENT per call at its closing instant, in Japan time (`TZID=Asia/Tokyo`), with a VTIMEZONE for
Asia/Tokyo written here (+09:00, no daylight saving since 1951) rather than the library's generated one,
which it says holds only from 1970 to 2038. UIDs are stable (`call-<id>@<domain>`), so a subscribed
calendar updates the events in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneStandard

PRODID = "-//jichi//revitalization calls//JA"
TZID = "Asia/Tokyo"
TOKYO = ZoneInfo(TZID)


@dataclass(frozen=True, slots=True)
class Deadline:
    call_id: int
    title: str
    description: str
    closes_at: datetime
    updated_at: datetime
    uid_domain: str


def _tokyo() -> Timezone:
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(hours=9))
    standard.add("tzoffsetto", timedelta(hours=9))
    standard.add("tzname", "JST")
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add_component(standard)
    return zone


def _event(deadline: Deadline, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"call-{deadline.call_id}@{deadline.uid_domain}")
    event.add("dtstamp", stamp)
    event.add("last-modified", deadline.updated_at)
    event.add("dtstart", deadline.closes_at.astimezone(TOKYO))
    event.add("summary", f"締切 (deadline): {deadline.title}")
    event.add("description", deadline.description)
    event.add("transp", "TRANSPARENT")
    return event


def calendar(deadlines: Iterable[Deadline], *, stamp: datetime, name: str) -> bytes:
    document = Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", name)
    document.add("x-wr-timezone", TZID)
    document.add_component(_tokyo())
    for deadline in deadlines:
        document.add_component(_event(deadline, stamp))
    text: bytes = document.to_ical()
    return text
