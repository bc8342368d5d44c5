"""Results: totals, seats, statutory lines, lots, certification. Funds reads these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.elections.common import ContestKind, ResultStatus, Votes
from shared.values import UtcDateTime


class ListStanding(BaseModel):
    """Why a House of Representatives list entry took a seat or not (art. 95-2)."""

    rank: int
    district_candidate_id: int | None = Field(
        description="The dual candidacy's single-member district entry."
    )
    sekihairitsu: str | None = Field(
        description="惜敗率: district votes / the district's most votes, an exact fraction; None if not dual."
    )
    sekihairitsu_decimal: Votes | None = Field(description="惜敗率 truncated to three places, for display.")
    place: int | None = Field(
        description="Position in the party's order among those who could be elected (rank, then 惜敗率)."
    )
    standing: Literal[
        "elected", "won_district", "below_deposit_line", "after_last_seat", "lot_lost", "awaiting_lot"
    ] = Field(
        description="elected; won_district: left the list; below_deposit_line: under a tenth of the "
        "district's valid votes; after_last_seat: placed after the party's last seat; lot_lost / "
        "awaiting_lot: equal 惜敗率 across the last seat."
    )


class CandidateResult(BaseModel):
    candidate_id: int
    name: str
    party_id: int | None
    votes: Votes
    elected: bool
    reached_minimum: bool | None = Field(description="None in proportional contests.")
    deposit_forfeited: bool | None = Field(description="None in proportional contests.")
    list_standing: ListStanding | None = Field(
        default=None, description="House of Representatives blocks: the entry's place on its party's list."
    )


class PartyResult(BaseModel):
    party_id: int
    name: str
    party_name_votes: Votes
    candidate_votes: Votes
    votes: Votes = Field(description="The party's total used for D'Hondt.")
    seats: int


class QuotientStep(BaseModel):
    party_id: int
    divisor: int
    quotient: str = Field(description="Exact quotient as a fraction 'p/q' (or an integer).")
    quotient_decimal: Votes = Field(description="The quotient truncated to three places, for display.")
    seat: int | None = Field(description="The seat this quotient won, in order; None if it won none.")


class LotRequired(BaseModel):
    contenders: list[str] = Field(description="'candidate:<id>' or 'party:<id>'.")
    names: list[str]
    seats_at_stake: int
    tied_value: str = Field(description="The equal votes or quotient, as an exact fraction.")


class SelectionCount(BaseModel):
    candidate_id: int | None = None
    party_id: int | None = Field(default=None, description="Party-name votes (proportional contests).")
    votes: Votes


class DistrictResult(BaseModel):
    """One counting district's counts (開票区別), fractional votes apportioned there."""

    counting_district_id: int
    name: str
    reported: bool
    counts: list[SelectionCount]


class ContestResult(BaseModel):
    contest_id: int
    election_id: int
    name: str
    kind: ContestKind
    seats: int
    status: ResultStatus
    counting_districts_reported: int
    counting_districts_total: int
    valid_votes: Votes
    invalid_ballots: int
    ballots_issued: int
    unreturned_ballots: int = Field(default=0, description="Issued but not returned to the box.")
    minimum_to_win: str | None = Field(description="Exact fraction, None in proportional contests.")
    deposit_forfeited_below: str | None
    candidates: list[CandidateResult]
    parties: list[PartyResult]
    steps: list[QuotientStep]
    lot_required: LotRequired | None
    seats_unfilled: int
    re_election_required: bool
    re_election_reason: str | None = Field(
        default=None,
        description="Why a re-election (再選挙, art. 109-110) is or is not needed, with the rule.",
    )
    by_counting_district: list[DistrictResult]
    certified_at: UtcDateTime | None = None
    version: int | None = Field(
        default=None,
        description="Issue of the certified result: 1 at certification, one more per correction.",
    )


class ElectionResults(BaseModel):
    election_id: int
    name: str
    contests: list[ContestResult]


ContenderKey = Annotated[str, Field(pattern=r"^(candidate|party):[1-9][0-9]{0,9}$")]


class LotIn(BaseModel):
    """The outcome of a lot drawn by the election chief, or a seed committed before the count."""

    model_config = ConfigDict(extra="forbid")

    contenders: list[ContenderKey] = Field(min_length=2, max_length=100)
    seats_at_stake: int = Field(ge=1, le=1000)
    method: Literal["drawn", "seed"]
    winners: list[ContenderKey] | None = Field(default=None, max_length=100)
    seed: Annotated[str, Field(min_length=16, max_length=200)] | None = None
    drawn_by: Annotated[str, Field(min_length=1, max_length=200)]
    drawn_at: UtcDateTime

    @model_validator(mode="after")
    def _outcome(self) -> LotIn:
        if len(set(self.contenders)) != len(self.contenders):
            raise ValueError("contenders must be distinct")
        if self.seats_at_stake >= len(self.contenders):
            raise ValueError("a lot decides fewer seats than there are contenders")
        if self.method == "drawn":
            if self.winners is None or self.seed is not None:
                raise ValueError("a drawn lot names its winners and no seed")
            if len(set(self.winners)) != self.seats_at_stake or not set(self.winners) <= set(self.contenders):
                raise ValueError("the winners are distinct contenders, one per seat at stake")
        elif self.seed is None or self.winners is not None:
            raise ValueError("a seeded lot names its seed and no winners")
        return self


class Lot(BaseModel):
    id: int
    contest_id: int
    contenders: list[str]
    seats_at_stake: int
    winners: list[str]
    method: str
    seed: str | None
    drawn_by: str
    drawn_at: UtcDateTime
    recorded_by: str
    recorded_at: UtcDateTime
