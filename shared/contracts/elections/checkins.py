"""Voting check-ins: one per voter per election across every station."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.elections.common import VotingMethod
from shared.values import ResidentCode, RowId, UtcDateTime


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_code: ResidentCode
    method: VotingMethod
    station_id: RowId | None = Field(
        default=None,
        description="Required for ordinary and early voting; absent for absentee.",
    )


class CheckIn(BaseModel):
    id: int
    election_id: int
    resident_code: str
    method: VotingMethod
    station_id: int | None
    checked_in_at: UtcDateTime
    clerk_id: str
    undone_at: UtcDateTime | None = None
    undone_by: str | None = None
    undo_reason: str | None = None
    overseas_method: str | None = Field(
        default=None,
        description="A vote from the overseas roll: consulate, post or in_japan (method is then absentee).",
    )


class CheckInUndoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=3, max_length=1000)]
