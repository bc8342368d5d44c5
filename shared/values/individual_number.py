"""Individual number (個人番号, "My Number"): 12 digits, 11 + check digit.

With ``P_n`` the n-th of the first 11 digits counted from the right and ``Q_n = n + 1`` for
n = 1..6, ``n − 5`` for n = 7..11 (weights 6,5,4,3,2,7,6,5,4,3,2 from the left):
``r = Σ P_n·Q_n mod 11``; the check digit is 0 if r ≤ 1, else 11 − r.

The number is highly protected. Nothing here puts it into a message: validation errors
neither quote it in their text nor carry it as their ``input`` (a masked form replaces it),
and ``MaskedIndividualNumber`` shows only the last four digits. Model fields of type
``IndividualNumber`` should add ``Field(repr=False)``.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.values._checksum import require_ascii_digits, weighted_mod11_check_digit
from shared.values._digit_input import ascii_digits_or_error
from shared.values._redaction import raise_with_masked_input

INDIVIDUAL_NUMBER_LENGTH: Final = 12
_VISIBLE_DIGITS: Final = 4


def individual_number_check_digit(first_eleven: str) -> int:
    """Check digit for the first eleven digits of an individual number."""
    require_ascii_digits(first_eleven, length=11, what="the first part of an individual number")
    return weighted_mod11_check_digit(first_eleven)


def is_valid_individual_number(number: str) -> bool:
    """True for 12 ASCII digits with a correct check digit."""
    return (
        len(number) == INDIVIDUAL_NUMBER_LENGTH
        and number.isascii()
        and number.isdigit()
        and individual_number_check_digit(number[:11]) == int(number[11])
    )


def mask_individual_number(number: str) -> str:
    """``"123456789018"`` → ``"********9018"``; anything shorter than 12 is masked whole."""
    if len(number) < INDIVIDUAL_NUMBER_LENGTH:
        return "*" * len(number)
    return "*" * (len(number) - _VISIBLE_DIGITS) + number[-_VISIBLE_DIGITS:]


class MaskedIndividualNumber:
    """Holds an individual number; ``str``/``repr`` show only its last four digits."""

    __slots__ = ("_number",)

    def __init__(self, number: str) -> None:
        if not is_valid_individual_number(number):
            raise ValueError("not a valid individual number")
        self._number = number

    def reveal(self) -> str:
        """The full number, for the legally permitted use that needs it."""
        return self._number

    @property
    def masked(self) -> str:
        return mask_individual_number(self._number)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"MaskedIndividualNumber({self.masked!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MaskedIndividualNumber):
            return NotImplemented
        return self._number == other._number

    def __hash__(self) -> int:
        return hash((MaskedIndividualNumber, self._number))


def _validate_individual_number(value: object) -> str:
    masked_input = mask_individual_number(value) if isinstance(value, str) else "<redacted>"
    try:
        number = ascii_digits_or_error(
            value,
            length=INDIVIDUAL_NUMBER_LENGTH,
            kind="individual_number",
            label="individual number",
        )
    except PydanticCustomError as error:
        raise_with_masked_input(error, title="IndividualNumber", masked_input=masked_input)
    if individual_number_check_digit(number[:11]) != int(number[11]):
        raise_with_masked_input(
            PydanticCustomError(
                "individual_number_check_digit", "the check digit of the individual number is wrong"
            ),
            title="IndividualNumber",
            masked_input=masked_input,
        )
    return number


IndividualNumber = Annotated[
    str,
    BeforeValidator(_validate_individual_number),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{12}$",
            "minLength": INDIVIDUAL_NUMBER_LENGTH,
            "maxLength": INDIVIDUAL_NUMBER_LENGTH,
            "description": (
                "Individual number (個人番号, My Number): 12 digits as a string, the last "
                "one a check digit. Highly protected: only for purposes the law names. "
                "Full-width digits are accepted on input and normalised to ASCII."
            ),
            "examples": ["123456789018"],
        }
    ),
]
"""A valid individual number as 12 ASCII digits.

A plain ``str`` shows up in a model's ``repr``: declare fields with ``Field(repr=False)``
(pydantic warns when that is put inside this alias, e.g. for ``IndividualNumber | None``).
"""
