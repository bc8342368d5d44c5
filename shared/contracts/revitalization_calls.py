"""API models of the revitalization service's calls for applications (公募) and their fair review:
calls, applications to a call, reviewer panels, assignments, rubric scores, decisions, the audit trail,
and the CommonGrants opportunity shape of a call."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt, model_validator

from shared.contracts.revitalization import LongText, ShortText, Slug, Strict
from shared.values import CorporateNumber, FiscalYear, LocalGovernmentCode, UtcDateTime, Yen

ReviewerId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$",
        description="The reviewer's client id at the gateway: the reviewer scores with its own token.",
        examples=["reviewer-sato"],
    ),
]
CriterionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", examples=["feasibility"])]


class CallStatus(StrEnum):
    """forecast before `opens_at`, open from `opens_at` to `closes_at` (both included), closed after,
    archived once its issuer archives it (only a closed call)."""

    FORECAST = "forecast"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Criterion(Strict):
    key: CriterionKey
    name: ShortText
    weight: StrictInt = Field(ge=1, le=100, description="What one point of this criterion counts.")
    max_score: StrictInt = Field(ge=1, le=100, description="Points run from 0 to this.")


class Rubric(Strict):
    """The scoring rubric of a call: a score's total is the sum of weight × points over its criteria."""

    criteria: list[Criterion] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique_keys(self) -> Rubric:
        keys = [criterion.key for criterion in self.criteria]
        if len(keys) != len(set(keys)):
            raise ValueError("each criterion key may appear only once")
        return self

    @property
    def max_total(self) -> int:
        return sum(criterion.weight * criterion.max_score for criterion in self.criteria)


class CallIn(Strict):
    programme_code: Slug
    fiscal_year: FiscalYear
    issuer_code: LocalGovernmentCode = Field(description="The prefecture or municipality issuing the call.")
    title: ShortText
    eligibility_summary: LongText
    budget_ceiling: Yen = Field(description="Awards of this call add up to at most this amount.")
    opens_at: UtcDateTime = Field(description="Applications are accepted from this instant (included).")
    closes_at: UtcDateTime = Field(
        description="...up to this instant, included; one second later is too late."
    )
    rubric: Rubric

    @model_validator(mode="after")
    def _window(self) -> CallIn:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class Call(BaseModel):
    id: int
    programme_code: str
    fiscal_year: int
    issuer_code: str
    prefecture: str = Field(description="The issuer's prefecture number, 01 to 47.")
    title: str
    eligibility_summary: str
    budget_ceiling: int = Field(json_schema_extra={"format": "int64"})
    awarded_total: int = Field(json_schema_extra={"format": "int64"})
    opens_at: UtcDateTime
    closes_at: UtcDateTime
    opens_at_jst: str = Field(description="opens_at in Japan time (Asia/Tokyo, +09:00).")
    closes_at_jst: str = Field(description="closes_at in Japan time (Asia/Tokyo, +09:00).")
    status: CallStatus = Field(description="At the moment of the answer.")
    archived_at: UtcDateTime | None
    rubric: Rubric
    owner_client_id: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    version: int


class CallApplicationIn(Strict):
    applicant_name: ShortText = Field(description="The applying organization or group.")
    organization_id: CorporateNumber | None = None
    municipality_code: LocalGovernmentCode = Field(description="The applicant's own municipality.")
    title: ShortText
    summary: LongText
    requested_amount: Yen


class CallApplicationStatus(StrEnum):
    RECEIVED = "received"
    AWARDED = "awarded"
    REJECTED = "rejected"


class CitedScore(BaseModel):
    score_id: int
    reviewer_id: str
    total: int


class Decision(BaseModel):
    decision: Literal["award", "reject"]
    amount: int | None = Field(json_schema_extra={"format": "int64"})
    reason: str
    cited_scores: list[CitedScore]
    mean_total: str = Field(description="The mean of the cited totals, an exact fraction 'n/d' or integer.")
    max_total: int
    decided_by: str
    decided_at: UtcDateTime


class CallApplication(BaseModel):
    id: int
    call_id: int
    applicant_name: str
    organization_id: str | None
    municipality_code: str
    title: str
    summary: str
    requested_amount: int = Field(json_schema_extra={"format": "int64"})
    status: CallApplicationStatus
    submitted_at: UtcDateTime
    decision: Decision | None
    version: int


class ReviewerIn(Strict):
    reviewer_id: ReviewerId
    name: ShortText
    municipality_code: LocalGovernmentCode | None = Field(
        default=None, description="The reviewer's own municipality, if any: a conflict for its applicants."
    )
    organization_id: CorporateNumber | None = Field(
        default=None, description="The reviewer's organization, if any: a conflict for its applications."
    )


class Reviewer(BaseModel):
    call_id: int
    reviewer_id: str
    name: str
    municipality_code: str | None
    organization_id: str | None
    added_at: UtcDateTime


class AssignmentIn(Strict):
    reviewer_id: ReviewerId


class Assignment(BaseModel):
    application_id: int
    reviewer_id: str
    assigned_by: str
    assigned_at: UtcDateTime


class ScoreIn(Strict):
    points: dict[CriterionKey, StrictInt] = Field(
        description="Points per criterion of the call's rubric, every criterion once.",
        examples=[{"feasibility": 4, "impact": 3}],
    )
    comment: LongText | None = None


class Score(BaseModel):
    id: int
    application_id: int
    reviewer_id: str
    points: dict[str, int]
    total: int
    max_total: int
    comment: str | None
    scored_at: UtcDateTime


class CallDecisionIn(Strict):
    decision: Literal["award", "reject"]
    amount: Yen | None = Field(default=None, description="Needed to award; at most the requested amount.")
    reason: ShortText


class AuditEntry(BaseModel):
    id: int
    call_id: int
    application_id: int | None
    action: str
    actor: str
    at: UtcDateTime
    details: dict[str, Any]


# ---------------------------------------------------------------- CommonGrants
# The opportunity shape of the CommonGrants protocol (OpportunityBase, with OppStatus, OppFunding,
# OppTimeline, Event, Money, CustomField and SystemMetadata), read from HHS/simpler-grants-protocol,
# lib/core/lib/core/models/opportunity/*.tsp and lib/core/lib/core/fields/*.tsp (CC0-1.0).


class CgMoney(BaseModel):
    amount: str = Field(description="A decimal string.")
    currency: str = Field(description="ISO 4217: JPY.")


class CgStatus(BaseModel):
    value: Literal["forecasted", "open", "closed", "custom"]
    customValue: str | None = None  # noqa: N815 - the protocol's own name
    description: str | None = None


class CgFunding(BaseModel):
    details: str | None = None
    totalAmountAvailable: CgMoney | None = None  # noqa: N815


class CgSingleDateEvent(BaseModel):
    name: str
    eventType: Literal["singleDate"] = "singleDate"  # noqa: N815
    date: str = Field(description="YYYY-MM-DD, in Japan time.")
    time: str | None = Field(default=None, description="HH:MM:SS, in Japan time.")
    description: str | None = None


class CgTimeline(BaseModel):
    postDate: CgSingleDateEvent | None = None  # noqa: N815
    closeDate: CgSingleDateEvent | None = None  # noqa: N815


class CgCustomField(BaseModel):
    name: str
    fieldType: Literal["string", "number", "integer", "boolean", "object", "array"]  # noqa: N815
    value: Any
    description: str | None = None


class CgOpportunity(BaseModel):
    """A call as a CommonGrants OpportunityBase."""

    id: str = Field(description="A UUID derived from the call's id (UUIDv5).")
    title: str
    status: CgStatus
    description: str
    funding: CgFunding | None = None
    keyDates: CgTimeline | None = None  # noqa: N815
    source: str | None = None
    customFields: dict[str, CgCustomField] | None = None  # noqa: N815
    createdAt: UtcDateTime  # noqa: N815
    lastModifiedAt: UtcDateTime  # noqa: N815
