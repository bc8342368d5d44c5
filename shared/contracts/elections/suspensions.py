"""Suspended voting rights (選挙権停止, Public Offices Election Act art. 11, 11-2, 252; Political Funds
Control Act art. 28): the notices a commission receives, their lifting, and the mark (表示, art. 27) the
roll shows."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.values import CalendarDate, LocalGovernmentCode, ResidentCode, UtcDateTime

DocumentReference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class SuspensionBasis(StrEnum):
    """The legal basis of a notice; the article and whether it takes the vote are rule data."""

    SERVING_SENTENCE = "serving_sentence"
    SENTENCE_NOT_EXECUTED = "sentence_not_executed"
    BRIBERY_IN_OFFICE = "bribery_in_office"
    ELECTION_OFFENCE_SUSPENDED_SENTENCE = "election_offence_suspended_sentence"
    CANDIDACY_BRIBERY = "candidacy_bribery"
    ELECTION_OFFENCE = "election_offence"
    POLITICAL_FUNDS_OFFENCE = "political_funds_offence"


class SuspensionIn(BaseModel):
    """A notice that a person does not have the vote (usually from the municipality of their 本籍)."""

    model_config = ConfigDict(extra="forbid")

    resident_code: ResidentCode
    basis: SuspensionBasis
    from_date: CalendarDate = Field(description="First day without the vote.")
    until_date: CalendarDate | None = Field(
        default=None,
        description="Last day without the vote (inclusive); the vote returns the next day. Null when the "
        "end is not known yet (e.g. serving a sentence): the mark stays until the suspension is lifted.",
    )
    source_local_government_code: LocalGovernmentCode = Field(
        description="The municipality that sent the notice (art. 11(3): that of the person's 本籍)."
    )
    document_reference: DocumentReference = Field(examples=["千代田区選管通知 第123号"])

    @model_validator(mode="after")
    def _ordered(self) -> SuspensionIn:
        if self.until_date is not None and self.until_date < self.from_date:
            raise ValueError("until_date is before from_date")
        return self


class SuspensionLiftIn(BaseModel):
    """The suspension ends early (pardon, restored rights, a notice that was wrong)."""

    model_config = ConfigDict(extra="forbid")

    effective_date: CalendarDate = Field(description="First day with the vote again.")
    reason: Reason
    document_reference: DocumentReference


class Suspension(BaseModel):
    id: int
    resident_code: str
    basis: SuspensionBasis
    article: str = Field(description="The provision that takes the right, e.g. '公職選挙法第252条'.")
    suspends_voting: bool = Field(
        description="False for bases that take only the right to stand (art. 11-2): no mark on the roll."
    )
    from_date: CalendarDate
    until_date: CalendarDate | None
    source_local_government_code: str
    document_reference: str
    recorded_by: str
    recorded_at: UtcDateTime
    lifted_on: CalendarDate | None = Field(default=None, description="First day with the vote again.")
    lifted_by: str | None = None
    lifted_at: UtcDateTime | None = None
    lift_reason: str | None = None
    lift_document_reference: str | None = None


class RollMark(BaseModel):
    """表示 (art. 27): the roll keeps the voter and shows why they may not vote."""

    kind: str = Field(examples=["voting_rights_suspended"])
    suspension_id: int
    basis: SuspensionBasis
    article: str
    from_date: CalendarDate
    until_date: CalendarDate | None
    in_effect_on_polling_day: bool
    detail: str
