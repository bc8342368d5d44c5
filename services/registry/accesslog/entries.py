"""An access-log entry and its leaf in the log's Merkle tree (pure).

The leaf of an entry is ``SHA-256(0x00 || payload)`` (`merkle.leaf_hash`), the payload the
compact JSON array ``[recorded_at, served_by, client_id, purpose, request_id, operation,
resident_code, items]``: `recorded_at` in RFC 3339 as the API shows it, `items` the provided
item names comma-joined. A verifier rebuilds it from a disclosure's record, so this format is a
published contract: change it only with a new tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from hashlib import sha256

import orjson

from services.registry.accesslog.merkle import LEAF_PREFIX
from shared.values import to_rfc3339

SERVED_BY_REGISTRY = "registry"
"""`served_by` of the registry's own provisions; another service's entries carry its client id."""


@dataclass(frozen=True, slots=True)
class Provision:
    """Who receives personal data, why, in which request, and which system provides it."""

    client_id: str
    purpose: str
    request_id: str
    served_by: str = SERVED_BY_REGISTRY


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
    served_by: str = SERVED_BY_REGISTRY


@lru_cache(maxsize=256)
def _stamp(recorded_at: datetime) -> str:
    """The entries of one request, and of one batch, share their time: format it once."""
    return to_rfc3339(recorded_at)


def payload_of(
    *,
    recorded_at: str,
    served_by: str,
    client_id: str,
    purpose: str,
    request_id: str,
    operation: str,
    resident_code: str,
    items: str,
) -> bytes:
    """The payload from a record as the API shows it (what a verifier has)."""
    return orjson.dumps(
        [recorded_at, served_by, client_id, purpose, request_id, operation, resident_code, items]
    )


def _provision_part(entry: Entry) -> bytes:
    """The payload up to the resident: `[time,served_by,client,purpose,request,operation,`."""
    return (
        orjson.dumps(
            [
                _stamp(entry.recorded_at),
                entry.served_by,
                entry.client_id,
                entry.purpose,
                entry.request_id,
                entry.operation,
            ]
        )[:-1]
        + b","
    )


def _resident_part(entry: Entry) -> bytes:
    """The rest of the payload: `resident,items]`."""
    return orjson.dumps([entry.resident_code, entry.items])[1:]


def provision_of(entry: Entry) -> tuple[datetime, str, str, str, str, str]:
    """What the entries of one request share: when, by whom, to whom, why, which request and
    operation."""
    return (
        entry.recorded_at,
        entry.served_by,
        entry.client_id,
        entry.purpose,
        entry.request_id,
        entry.operation,
    )


def leaf_hashes(entries: Iterable[Entry]) -> list[bytes]:
    """Each entry's leaf hash (`merkle.leaf_hash` of its payload). The part of the payload that
    says who, why, in which request and when is serialised once for each run of entries sharing
    it: a bulk verification's thousand entries differ only in the resident and the items."""
    hashes = []
    provision: tuple[object, ...] = ()
    head = b""
    for entry in entries:
        shared = provision_of(entry)
        if shared != provision:
            provision, head = shared, LEAF_PREFIX + _provision_part(entry)
        hashes.append(sha256(head + _resident_part(entry)).digest())
    return hashes
