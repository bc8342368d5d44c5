"""Absentee voting (不在者投票, Public Offices Election Act art. 49): a ballot's way from the request
to its receipt by the commission, one recorded step at a time."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.values import CalendarDate, ResidentCode, UtcDateTime


class AbsenteeState(StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    VOTED = "voted"
    SENT = "sent"
    RECEIVED = "received"


class AbsenteeStep(StrEnum):
    """The steps after the request, in the only order they can happen."""

    ISSUED = "issued"
    VOTED = "voted"
    SENT = "sent"
    RECEIVED = "received"


class AbsenteeOutcome(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"


class AbsenteeBallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_code: ResidentCode


class AbsenteeStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: AbsenteeStep
    occurred_on: CalendarDate | None = Field(
        default=None, description="When it happened (JST); today when omitted. Never in the future."
    )


class AbsenteeBallot(BaseModel):
    id: int
    election_id: int
    resident_code: str
    state: AbsenteeState
    requested_on: CalendarDate
    issued_on: CalendarDate | None = None
    voted_on: CalendarDate | None = None
    sent_on: CalendarDate | None = None
    received_on: CalendarDate | None = None
    outcome: AbsenteeOutcome | None = Field(
        default=None,
        description="Set on receipt: accepted (the voter's vote, `check_in_id`) or not_accepted "
        "(不受理: not counted, `outcome_reason` says why).",
    )
    outcome_reason: str | None = None
    check_in_id: int | None = None
    updated_at: UtcDateTime
