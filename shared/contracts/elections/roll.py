"""The voter roll: builds, feed syncs, and why a resident is or is not on it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.elections.suspensions import RollMark
from shared.values import CalendarDate, UtcDateTime


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
    marks: list[RollMark] = Field(
        default_factory=list,
        description="表示 (art. 27): suspensions of the vote over this election's voting period. The voter "
        "stays on the roll; check-in refuses them on a day a suspension is in effect.",
    )


class Voter(BaseModel):
    resident_code: str
    local_government_code: str
    station_id: int | None
    sex: str
    birth_date: CalendarDate
    marks: list[RollMark] = Field(default_factory=list, description="表示 (art. 27), as on a decision.")


class Registration(StrEnum):
    """選挙時登録 (as of the election's reference date, age counted on polling day) or 定時登録
    (as of a periodic registration date, 1 March, June, September or December, age counted on it)."""

    ELECTION_TIME = "election_time"
    PERIODIC = "periodic"


class RollBuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration: Registration = Registration.ELECTION_TIME
    registration_date: CalendarDate | None = Field(
        default=None,
        description="Periodic registration only: the registration date (1 March, June, September or "
        "December), no later than the election's reference date.",
    )


class RollBuildState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RollBuild(BaseModel):
    """A build of the roll: an asynchronous job, polled at its `Location` until it ends."""

    id: int
    election_id: int
    state: RollBuildState
    registration: Registration
    reference_date: CalendarDate = Field(
        description="Three months' residence and the four-month rule count to it."
    )
    age_date: CalendarDate = Field(description="Voters are 18 or older on this day.")
    residents_examined: int = Field(description="So far, while the build runs.")
    voters: int = Field(description="On the roll; known when the build succeeded, 0 before.")
    cursor: str | None = Field(description="Change-feed position the roll is current to.")
    requested_by: str
    requested_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    problem: dict[str, Any] | None = Field(
        description="Why the build failed (an RFC 9457 problem); the previous roll is left unchanged."
    )


class RollSync(BaseModel):
    election_id: int
    events_applied: int
    residents_redecided: int
    cursor: str | None
    synced_at: UtcDateTime
