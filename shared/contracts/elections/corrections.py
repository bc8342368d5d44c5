"""Corrections after certification (objections, ordered recounts, re-issued result versions) and
replacement winners (繰上補充)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.elections.results import ContestResult
from shared.values import RowId, UtcDateTime

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class ObjectionKind(StrEnum):
    """異議申出 (to the commission that ran the election), 審査申立 (to the prefecture's commission),
    当選訴訟 (to the high court); which kinds a contest admits depends on its kind."""

    OBJECTION = "objection"
    REVIEW = "review"
    LAWSUIT = "lawsuit"


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ObjectionKind
    filed_on: date
    grounds: Text = Field(description="What the objection says is wrong; no personal data of voters.")


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["dismissed", "recount_ordered"]
    decided_on: date
    reasons: Text


class Objection(BaseModel):
    id: int
    contest_id: int
    kind: ObjectionKind
    legal_basis: str
    legal_basis_verified: bool = Field(description="False where the article was not read in the statute.")
    filed_on: date
    grounds: str
    state: Literal["filed", "dismissed", "recount_ordered", "resolved"] = Field(
        description="recount_ordered: the contest's tallies accept entries until the next version is issued."
    )
    decided_on: date | None
    decision_reasons: str | None
    decided_by: str | None
    resolved_by_version: int | None
    recorded_at: UtcDateTime


class ResultVersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objection_id: RowId = Field(description="The objection whose ordered recount this version concludes.")
    reason: Text


class ResultChange(BaseModel):
    """One figure or outcome that differs from the previous version."""

    item: str = Field(description='e.g. "candidate:12.votes", "candidate:12.elected", "party:3.seats"')
    before: str | None
    after: str | None


class ResultVersionSummary(BaseModel):
    contest_id: int
    version: int
    issued_at: UtcDateTime
    issued_by: str
    reason: str | None = Field(description="None for the version issued at certification.")
    objection_id: int | None
    changes: list[ResultChange]


class ResultVersion(ResultVersionSummary):
    result: ContestResult


class VacancyCause(StrEnum):
    DEATH = "death"
    LOST_ELIGIBILITY = "lost_eligibility"
    RESIGNATION = "resignation"


class SkippedCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate_id: RowId
    reason: Text = Field(description="Why this person cannot take the seat (died, left the party, ...).")


class ReplacementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vacated_candidate_id: RowId
    cause: VacancyCause
    occurred_on: date
    skip: list[SkippedCandidate] = Field(default_factory=list, max_length=100)


class Replacement(BaseModel):
    id: int
    contest_id: int
    vacated_candidate_id: int
    cause: VacancyCause
    occurred_on: date
    outcome: Literal["replaced", "no_eligible_candidate", "period_expired"] = Field(
        description="period_expired: past three months from polling day in a district or local race; "
        "the seat then goes to a by-election (補欠選挙)."
    )
    replacement_candidate_id: int | None
    legal_basis: str
    legal_basis_verified: bool
    explanation: str
    skipped: list[SkippedCandidate]
    recorded_at: UtcDateTime
