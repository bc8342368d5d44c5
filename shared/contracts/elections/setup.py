"""Elections, contests, counting districts, polling stations, parties and candidates."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.elections.common import ContestKind
from shared.values import (
    CalendarDate,
    KanaName,
    KanjiName,
    LocalGovernmentCode,
    RowId,
    TimeOfDay,
    UtcDateTime,
    Yen,
)

Name = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ElectionIn(_In):
    name: Name
    announcement_date: CalendarDate = Field(description="告示日/公示日.")
    polling_day: CalendarDate
    reference_date: CalendarDate | None = Field(
        default=None,
        description="基準日 of election-time registration; default: the day before the announcement.",
    )

    @model_validator(mode="after")
    def _dates(self) -> ElectionIn:
        if self.announcement_date >= self.polling_day:
            raise ValueError("the announcement must come before polling day")
        if self.reference_date is not None and self.reference_date > self.announcement_date:
            raise ValueError("the reference date cannot be after the announcement")
        return self


class Election(BaseModel):
    id: int
    name: str
    announcement_date: CalendarDate
    polling_day: CalendarDate
    reference_date: CalendarDate
    early_voting_start_date: CalendarDate = Field(description="The day after the announcement.")
    early_voting_end_date: CalendarDate = Field(description="The day before polling day.")
    version: int
    created_at: UtcDateTime


class ContestIn(_In):
    name: Name
    kind: ContestKind
    seats: int = Field(ge=1, le=1000)
    local_government_codes: list[LocalGovernmentCode] = Field(
        min_length=1,
        max_length=2000,
        description="The district: the municipalities (or prefectures) it covers.",
    )

    @model_validator(mode="after")
    def _seats(self) -> ContestIn:
        if self.kind.is_single_seat and self.seats != 1:
            raise ValueError(f"a {self.kind.value} contest has exactly one seat")
        if len(set(self.local_government_codes)) != len(self.local_government_codes):
            raise ValueError("a district lists each local government once")
        return self


class Contest(BaseModel):
    id: int
    election_id: int
    name: str
    kind: ContestKind
    seats: int
    local_government_codes: list[str]
    created_at: UtcDateTime
    version: int = Field(description="Increases with every change; the ETag is derived from it.")


class CountingDistrictIn(_In):
    name: Name
    local_government_code: LocalGovernmentCode


class CountingDistrict(CountingDistrictIn):
    id: int
    election_id: int


class PollingStationIn(_In):
    name: Name
    counting_district_id: RowId
    address_areas: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1,
        max_length=500,
        description="Address prefixes this station serves; a voter goes to the longest matching one.",
    )
    opens_at: TimeOfDay = Field(
        default=time(7, 0), description="Opening time (JST): 07:00, or moved by at most 2 hours (art. 40)."
    )
    closes_at: TimeOfDay = Field(
        default=time(20, 0), description="Closing time (JST): 20:00, or brought forward by at most 4 hours."
    )


class PollingStation(BaseModel):
    id: int
    election_id: int
    counting_district_id: int
    name: str
    local_government_code: str
    address_areas: list[str]
    opens_at: TimeOfDay = time(7, 0)
    closes_at: TimeOfDay = time(20, 0)
    version: int = Field(description="Increases with every change; the ETag is derived from it.")


class PartyIn(_In):
    name: Name
    abbreviation: Annotated[str, Field(min_length=1, max_length=50)] | None = None


class Party(PartyIn):
    id: int
    election_id: int


class CandidateIn(_In):
    name: KanjiName
    kana: KanaName
    birth_date: CalendarDate
    party_id: RowId | None = None
    deposit_yen: Yen
    list_rank: int | None = Field(
        default=None, ge=1, le=10000, description="Order on a House of Representatives proportional list."
    )
    priority_rank: int | None = Field(
        default=None, ge=1, le=10000, description="Order on a House of Councillors priority list (特定枠)."
    )
    district_candidate_id: RowId | None = Field(
        default=None,
        description="On a House of Representatives list: the same person's single-member district "
        "candidacy in this election, for the same party (重複立候補, art. 86-2). Only such dual "
        "candidates may share a list_rank.",
    )


class Candidate(BaseModel):
    id: int
    election_id: int
    contest_id: int
    name: str
    kana: str
    birth_date: CalendarDate
    party_id: int | None
    deposit_yen: int
    list_rank: int | None
    priority_rank: int | None
    district_candidate_id: int | None = None
    created_at: UtcDateTime
    version: int = Field(description="Increases with every change; the ETag is derived from it.")
