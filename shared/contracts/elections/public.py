"""Public pre-election information: what a voter may read without a token, in Japanese or English."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from shared.contracts.elections.common import ContestKind
from shared.values import TimeOfDay


class Language(StrEnum):
    JA = "ja"
    EN = "en"


class PublicCandidate(BaseModel):
    candidate_id: int
    name: str
    kana: str
    party_id: int | None
    party: str | None = Field(description="The party's name; None for an independent.")
    list_rank: int | None
    priority_rank: int | None
    district_candidate_id: int | None = Field(
        description="A dual candidate's single-member district candidacy (重複立候補)."
    )


class PublicContest(BaseModel):
    contest_id: int
    name: str
    kind: ContestKind
    kind_label: str = Field(description="The kind of contest in the requested language.")
    seats: int
    local_government_codes: list[str]
    candidates: list[PublicCandidate]


class PublicParty(BaseModel):
    party_id: int
    name: str
    abbreviation: str | None


class PublicPollingStation(BaseModel):
    station_id: int
    name: str
    counting_district: str
    local_government_code: str
    address_areas: list[str] = Field(description="The address prefixes whose voters vote here.")
    opens_at: TimeOfDay = Field(description="JST, polling day.")
    closes_at: TimeOfDay = Field(description="JST, polling day.")
    hours: str = Field(description="The hours as a sentence in the requested language.")


class PublicElectionInformation(BaseModel):
    language: Language
    election_id: int
    name: str
    announcement_date: date
    polling_day: date
    early_voting_from: date = Field(description="The day after the announcement (art. 48-2).")
    early_voting_to: date = Field(description="The day before polling day.")
    labels: dict[str, str] = Field(description="Headings for each section, in the requested language.")
    contests: list[PublicContest]
    parties: list[PublicParty]
    polling_stations: list[PublicPollingStation]
