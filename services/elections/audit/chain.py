"""The hash of one audit record: it covers the record and the hash of the one before."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from shared.values import to_rfc3339

GENESIS = "0" * 64
LANES = 16


def lane_of(subject: str) -> int:
    return int.from_bytes(hashlib.sha256(subject.encode()).digest()[:4], "big") % LANES


def record_hash(
    *,
    previous_hash: str,
    lane: int,
    at: datetime,
    actor: str,
    action: str,
    election_id: int | None,
    subject: str,
    details: dict[str, Any],
) -> str:
    canonical = orjson.dumps(
        {
            "previous_hash": previous_hash,
            "lane": lane,
            "at": to_rfc3339(at),
            "actor": actor,
            "action": action,
            "election_id": election_id,
            "subject": subject,
            "details": details,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


class HeadTaken(Exception):  # noqa: N818 - a condition, answered by trying again on the new head
    """A record was not appended: the hash it names as previous is no longer the head of its lane."""


def chained_record(
    *,
    previous_hash: str,
    lane: int,
    at: datetime,
    actor: str,
    action: str,
    election_id: int | None,
    subject: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    """An audit record's columns, `hash` included, chained to `previous_hash` (`details` as given)."""
    record: dict[str, Any] = {
        "lane": lane,
        "at": at,
        "actor": actor,
        "action": action,
        "election_id": election_id,
        "subject": subject,
        "details": details,
        "previous_hash": previous_hash,
    }
    return {**record, "hash": record_hash(**record)}
