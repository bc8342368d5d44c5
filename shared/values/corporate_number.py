"""Corporate number (法人番号): 13 digits, a check digit followed by the 12-digit base number.

The base number is the commercial register's company number (会社法人等番号) or one the National
Tax Agency assigns. With ``P_n`` the n-th digit of the base counted from the right and ``Q_n`` 1
for odd n, 2 for even n, the check digit (the *first* digit) is ``9 − (Σ P_n·Q_n mod 9)``, so
1 to 9, never 0. Source: 法人番号の指定等に関する省令 (Ministry of Finance ordinance No. 70 of
2014), art. 2, as read on public pages (a National Tax Agency example: 7123456789012). Not in
the team's REFERENCE.md when written; verified against published numbers only.

Unlike the individual number, a corporate number is public: it may be stored, shown and logged.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.values._checksum import require_ascii_digits
from shared.values._digit_input import ascii_digits_or_error

CORPORATE_NUMBER_LENGTH: Final = 13


def corporate_number_check_digit(base: str) -> int:
    """The check digit (first digit) for a 12-digit base number."""
    require_ascii_digits(base, length=12, what="the base of a corporate number")
    # From the right, odd places weigh 1 and even places 2: from the left of 12 digits, 2,1,2,1,...
    total = sum(int(digit) * (2 if index % 2 == 0 else 1) for index, digit in enumerate(base))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    """True for 13 ASCII digits whose first is the check digit of the other twelve."""
    return (
        len(number) == CORPORATE_NUMBER_LENGTH
        and number.isascii()
        and number.isdigit()
        and corporate_number_check_digit(number[1:]) == int(number[0])
    )


def _validate_corporate_number(value: object) -> str:
    number = ascii_digits_or_error(
        value, length=CORPORATE_NUMBER_LENGTH, kind="corporate_number", label="corporate number"
    )
    expected = corporate_number_check_digit(number[1:])
    if int(number[0]) != expected:
        raise PydanticCustomError(
            "corporate_number_check_digit",
            "the check digit (first digit) of corporate number {number} should be {expected}",
            {"number": number, "expected": expected},
        )
    return number


CorporateNumber = Annotated[
    str,
    BeforeValidator(_validate_corporate_number),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[1-9][0-9]{12}$",
            "minLength": CORPORATE_NUMBER_LENGTH,
            "maxLength": CORPORATE_NUMBER_LENGTH,
            "description": (
                "Corporate number (法人番号): 13 digits as a string, the first a check digit "
                "(9 − the weighted sum of the other twelve mod 9). Full-width digits are accepted "
                "on input and normalised to ASCII."
            ),
            "examples": ["7123456789012"],
        }
    ),
]
"""A valid corporate number as 13 ASCII digits."""
