"""Vocabulary every elections model shares: contest kinds, vote counts, voting methods."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

# Row ids are 32-bit integers in the elections database; larger ids in a request are refused as
# invalid (422) instead of overflowing the column.

VOTE_PLACES = Decimal("0.001")
VOTES_MAX = Decimal("999999999999.999")


class ContestKind(StrEnum):
    HOUSE_OF_REPRESENTATIVES_DISTRICT = "house_of_representatives_district"
    HOUSE_OF_REPRESENTATIVES_PROPORTIONAL = "house_of_representatives_proportional"
    HOUSE_OF_COUNCILLORS_DISTRICT = "house_of_councillors_district"
    HOUSE_OF_COUNCILLORS_NATIONAL = "house_of_councillors_national"
    GOVERNOR = "governor"
    MAYOR = "mayor"
    PREFECTURAL_ASSEMBLY = "prefectural_assembly"
    MUNICIPAL_ASSEMBLY = "municipal_assembly"

    @property
    def is_proportional(self) -> bool:
        return self in _PROPORTIONAL

    @property
    def is_single_seat(self) -> bool:
        return self in _SINGLE_SEAT


_PROPORTIONAL = frozenset(
    {ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL}
)
_SINGLE_SEAT = frozenset(
    {ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT, ContestKind.GOVERNOR, ContestKind.MAYOR}
)


class VotingMethod(StrEnum):
    ORDINARY = "ordinary"
    EARLY = "early"
    ABSENTEE = "absentee"


class ResultStatus(StrEnum):
    """NIST SP 1500-100 report statuses this service produces."""

    UNOFFICIAL_PARTIAL = "unofficial-partial"
    UNOFFICIAL_COMPLETE = "unofficial-complete"
    CERTIFIED = "certified"


def _votes(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0 or value > VOTES_MAX:
        raise PydanticCustomError("votes_range", "a vote count is a finite number from 0 to 999999999999.999")
    if value != value.quantize(VOTE_PLACES, rounding=ROUND_DOWN):
        raise PydanticCustomError("votes_places", "a vote count has at most three decimal places")
    return value.quantize(VOTE_PLACES)


Votes = Annotated[
    Decimal,
    AfterValidator(_votes),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{1,12}(\.\d{1,3})?$",
            "description": "A vote count: an exact decimal with three places (fractional votes, 按分票).",
            "examples": ["1234.000", "7.173"],
        }
    ),
]
"""A vote count with exactly three decimal places, written as a string so no float rounds it."""

BallotCount = Annotated[int, Field(ge=0, le=1_000_000_000)]
