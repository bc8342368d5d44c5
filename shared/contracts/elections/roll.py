"""The voter roll: builds, feed syncs, and why a resident is or is not on it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from shared.values import UtcDateTime


class RollReason(BaseModel):
    code: str = Field(examples=["age_18_on_polling_day"])
    satisfied: bool = Field(
        description="Whether this condition is met; the resident is on the roll when all are."
    )
    detail: str


class RollDecision(BaseModel):
    election_id: int
    resident_code: str
    local_government_code: str
    on_roll: bool
    reasons: list[RollReason]
    station_id: int | None
    decided_at: UtcDateTime


class Voter(BaseModel):
    resident_code: str
    local_government_code: str
    station_id: int | None
    sex: str
    birth_date: date


class RollBuild(BaseModel):
    election_id: int
    residents_examined: int
    voters: int
    cursor: str | None = Field(description="Change-feed position the roll is current to.")
    built_at: UtcDateTime


class RollSync(BaseModel):
    election_id: int
    events_applied: int
    residents_redecided: int
    cursor: str | None
    synced_at: UtcDateTime
