"""Tally sheets, entered twice by different clerks, reconciled before they count."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.elections.common import BallotCount, Votes
from shared.values import RowId, UtcDateTime


class SheetStatus(StrEnum):
    AWAITING_SECOND_ENTRY = "awaiting_second_entry"
    DISPUTED = "disputed"
    UNRECONCILED = "unreconciled"
    COUNTED = "counted"


class SelectionVotes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_id: RowId | None = None
    party_id: RowId | None = Field(default=None, description="Party-name votes (proportional contests).")
    votes: Votes

    @model_validator(mode="after")
    def _one(self) -> SelectionVotes:
        if (self.candidate_id is None) == (self.party_id is None):
            raise ValueError("name exactly one of candidate_id and party_id")
        return self


class AmbiguousBallots(BaseModel):
    """Ballots naming only what several candidates or parties share (按分票, art. 68-2 and 68-3), split
    by the law's rule. A House of Representatives block names parties only; the House of Councillors
    national block may mix parties and candidates."""

    model_config = ConfigDict(extra="forbid")

    candidate_ids: list[RowId] = Field(default_factory=list, max_length=50)
    party_ids: list[RowId] = Field(default_factory=list, max_length=50)
    ballots: BallotCount

    @model_validator(mode="after")
    def _distinct(self) -> AmbiguousBallots:
        if len(set(self.candidate_ids)) != len(self.candidate_ids):
            raise ValueError("candidate_ids must be distinct")
        if len(set(self.party_ids)) != len(self.party_ids):
            raise ValueError("party_ids must be distinct")
        if len(self.candidate_ids) + len(self.party_ids) < 2:
            raise ValueError("ambiguous ballots fit at least two candidates or parties")
        return self


class TallyEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    station_id: RowId | None = Field(default=None, description="A station's sheet ...")
    counting_district_id: RowId | None = Field(default=None, description="... or a counting district's.")
    votes: list[SelectionVotes] = Field(max_length=1000)
    ambiguous: list[AmbiguousBallots] = Field(default_factory=list, max_length=100)
    ballots_issued: BallotCount
    invalid_ballots: BallotCount = Field(description="All invalid ballots, blank ones included.")
    blank_ballots: BallotCount = Field(description="Of the invalid ballots, those left blank.")
    unreturned_ballots: BallotCount

    @model_validator(mode="after")
    def _shape(self) -> TallyEntryIn:
        if (self.station_id is None) == (self.counting_district_id is None):
            raise ValueError("name exactly one of station_id and counting_district_id")
        if self.blank_ballots > self.invalid_ballots:
            raise ValueError("blank ballots are part of the invalid ballots")
        keys = [(v.candidate_id, v.party_id) for v in self.votes]
        if len(set(keys)) != len(keys):
            raise ValueError("each candidate or party appears once")
        return self


class Difference(BaseModel):
    field: str
    values: dict[str, Any] = Field(description="What each clerk entered, by clerk id.")


class SheetProblem(BaseModel):
    type: str
    detail: str


class TallySheet(BaseModel):
    id: int
    contest_id: int
    counting_district_id: int
    station_id: int | None
    status: SheetStatus
    clerks: list[str]
    differences: list[Difference]
    problems: list[SheetProblem]
    ballots_issued: int | None
    invalid_ballots: int | None
    blank_ballots: int | None
    unreturned_ballots: int | None
    valid_votes: Votes | None
    counted_at: UtcDateTime | None
