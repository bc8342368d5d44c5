"""The hash chain of the access log (pure).

The log is split into `LANES` independent chains so that concurrent lookups do not queue
behind one chain head; each entry's hash is ``sha256(previous hash of its lane || payload)``,
the first entry of a lane follows `GENESIS`. Deleting, inserting or editing any entry, or
cutting a lane's tail, breaks a link that `verify_lane` reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import orjson

from shared.values import to_rfc3339

LANES = 64
GENESIS = bytes(32)


@dataclass(frozen=True, slots=True)
class Provision:
    """Who receives personal data, why, in which request."""

    client_id: str
    purpose: str
    request_id: str


# Not frozen: a bulk verification makes a thousand entries per request, and a frozen
# dataclass's __init__ costs 2.5 times as much; nothing changes an entry once made.
@dataclass(slots=True)
class Entry:
    recorded_at: datetime
    client_id: str
    purpose: str
    request_id: str
    operation: str
    resident_code: str
    items: str


@lru_cache(maxsize=256)
def _stamp(recorded_at: datetime) -> str:
    """The entries of one request, and of one batch, share their time: format it once."""
    return to_rfc3339(recorded_at)


def payload(entry: Entry) -> bytes:
    """The entry as a JSON array: its provision (when, who, why, which request, what
    operation), then the resident and the items."""
    return _provision_part(entry) + _resident_part(entry)


def _provision_part(entry: Entry) -> bytes:
    """The payload up to the resident: `[time,client,purpose,request,operation,`."""
    return (
        orjson.dumps(
            [_stamp(entry.recorded_at), entry.client_id, entry.purpose, entry.request_id, entry.operation]
        )[:-1]
        + b","
    )


def _resident_part(entry: Entry) -> bytes:
    """The rest of the payload: `resident,items]`."""
    return orjson.dumps([entry.resident_code, entry.items])[1:]


def link(previous: bytes, entry: Entry) -> bytes:
    return hashlib.sha256(previous + payload(entry)).digest()


def chain(previous: bytes, entries: Iterable[Entry]) -> list[bytes]:
    """`link` over each entry in turn. The part of the payload that says who, why, in which
    request and when is serialised once for each run of entries sharing it: a bulk
    verification's thousand entries differ only in the resident and the items."""
    hashes = []
    provision: tuple[object, ...] = ()
    head = b""
    for entry in entries:
        shared = (entry.recorded_at, entry.client_id, entry.purpose, entry.request_id, entry.operation)
        if shared != provision:
            provision, head = shared, _provision_part(entry)
        previous = hashlib.sha256(previous + head + _resident_part(entry)).digest()
        hashes.append(previous)
    return hashes


@dataclass(frozen=True, slots=True)
class StoredEntry:
    entry_id: int
    sequence: int
    hash: bytes
    entry: Entry


@dataclass(frozen=True, slots=True)
class Break:
    entry_id: int | None
    sequence: int
    reason: str


class LaneVerifier:
    """Checks one lane's entries as they stream by, in sequence order."""

    def __init__(self) -> None:
        self.previous = GENESIS
        self.expected_sequence = 1
        self.broken: Break | None = None

    def feed(self, stored: StoredEntry) -> None:
        if self.broken is not None:
            return
        if stored.sequence != self.expected_sequence:
            self.broken = Break(
                stored.entry_id, self.expected_sequence, "an entry is missing before this one"
            )
        elif link(self.previous, stored.entry) != stored.hash:
            self.broken = Break(stored.entry_id, stored.sequence, "the entry does not match its hash")
        else:
            self.previous = stored.hash
            self.expected_sequence += 1

    def finish(self, *, head_sequence: int, head_hash: bytes) -> Break | None:
        if self.broken is not None:
            return self.broken
        if head_sequence != self.expected_sequence - 1 or head_hash != self.previous:
            return Break(
                None, self.expected_sequence, "the lane's last entries are missing or its head was altered"
            )
        return None


def verify_lane(entries: Iterable[StoredEntry], *, head_sequence: int, head_hash: bytes) -> Break | None:
    """The first broken link of one lane (entries in sequence order), or None."""
    verifier = LaneVerifier()
    for stored in entries:
        verifier.feed(stored)
    return verifier.finish(head_sequence=head_sequence, head_hash=head_hash)
