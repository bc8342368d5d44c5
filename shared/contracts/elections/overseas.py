"""The overseas roll (在外選挙人名簿, Public Offices Election Act art. 30-2 to 30-16): applications,
registration on the roll of the last domestic municipality, removal, and votes from abroad."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.contracts.elections.roll import RollReason
from shared.values import CalendarDate, ResidentCode, UtcDateTime

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
MissionName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class OverseasChannel(StrEnum):
    """在外公館申請 (art. 30-5(1), at the consulate of the place abroad) or 出国時申請 (art. 30-5(4), at the
    municipality when filing the move abroad: 在外選挙人名簿への登録の移転)."""

    CONSULATE = "consulate"
    MOVE_ABROAD = "move_abroad"


class OverseasApplicationState(StrEnum):
    PENDING = "pending"
    REGISTERED = "registered"
    REFUSED = "refused"


class OverseasVotingMethod(StrEnum):
    """在外公館投票, 郵便等投票, 日本国内における投票 (art. 49-2)."""

    CONSULATE = "consulate"
    POST = "post"
    IN_JAPAN = "in_japan"


class OverseasRemovalReason(StrEnum):
    DECEASED = "deceased"
    LOST_NATIONALITY = "lost_nationality"
    RETURNED_TO_JAPAN = "returned_to_japan"


class OverseasApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_code: ResidentCode = Field(description="The applicant's resident code (kept after moving out).")
    channel: OverseasChannel
    country_code: CountryCode = Field(description="ISO 3166-1 alpha-2 of the country of residence.")
    mission: MissionName | None = Field(
        default=None, description="The consulate (領事官) that received a consulate application."
    )
    abroad_since: CalendarDate | None = Field(
        default=None,
        description="Consulate applications: since when the applicant lives in the consulate's area, as the "
        "consulate confirmed it (3 months are needed, art. 30-4(1)).",
    )

    @model_validator(mode="after")
    def _channel_items(self) -> OverseasApplicationIn:
        if self.channel == OverseasChannel.CONSULATE and (self.mission is None or self.abroad_since is None):
            raise ValueError("a consulate application names the mission and abroad_since")
        if self.channel == OverseasChannel.MOVE_ABROAD and self.abroad_since is not None:
            raise ValueError("an application when moving abroad has no abroad_since")
        return self


class OverseasApplication(BaseModel):
    id: int
    resident_code: str
    channel: OverseasChannel
    country_code: str
    mission: str | None
    abroad_since: CalendarDate | None
    applied_on: CalendarDate
    state: OverseasApplicationState
    reasons: list[RollReason] = Field(description="Each condition of art. 30-4 and whether it is met.")
    local_government_code: str | None = Field(description="The last domestic municipality (最終住所).")
    registrable_on: CalendarDate | None = Field(
        default=None, description="Pending on the 3 months abroad only: the first day it can be registered."
    )
    entry_id: int | None
    recorded_by: str
    decided_at: UtcDateTime | None


class OverseasEntry(BaseModel):
    """An entry of the overseas roll of one municipality, with its own numbering."""

    id: int
    local_government_code: str
    number: int = Field(description="The entry's number on this municipality's overseas roll (1, 2, ...).")
    roll_number: str = Field(examples=["在外131016-000001"])
    resident_code: str
    sex: str
    birth_date: CalendarDate
    country_code: str
    channel: OverseasChannel
    registered_on: CalendarDate
    returned_on: CalendarDate | None = Field(
        default=None,
        description="表示 (art. 30-10): registered at a domestic address from this day; removed four months "
        "later (art. 30-11(1)(ii)).",
    )
    removed_on: CalendarDate | None = None
    removal_reason: OverseasRemovalReason | None = None
    application_id: int


class OverseasVoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resident_code: ResidentCode
    method: OverseasVotingMethod


class OverseasTurnout(BaseModel):
    electors: int = Field(description="On the overseas roll of the scope's municipalities on polling day.")
    voters: int
    turnout_percent: str
    by_method: dict[str, int] = Field(description="consulate, post, in_japan.")
