"""The append-only, hash-chained audit log of administrative actions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.values import UtcDateTime


class AuditRecord(BaseModel):
    seq: int
    lane: int
    at: UtcDateTime
    actor: str
    action: str
    election_id: int | None
    subject: str
    details: dict[str, Any]
    previous_hash: str
    hash: str


class AuditVerification(BaseModel):
    records: int
    intact: bool
    first_broken_seq: int | None
