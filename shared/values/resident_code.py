"""Resident code (住民票コード): 11 digits, 10 random + 1 check digit.

The official check-digit formula (a 2002 ministry notice) was not available to us. As the
documented substitute, codes are issued and validated with the individual number's weighted
mod-11 scheme applied to 10 digits: with ``P_n`` the n-th digit counted from the right and
``Q_n = n + 1`` for n = 1..6, ``n − 5`` for n = 7..10 (weights 5,4,3,2,7,6,5,4,3,2 from the
left), ``r = Σ P_n·Q_n mod 11`` and the check digit is 0 if r ≤ 1, else 11 − r.

The rule is pluggable: anything with ``check_digit(first_ten) -> int`` is a
``ResidentCodeScheme``. When the official formula is known, implement it as a scheme and
make it ``DEFAULT_RESIDENT_CODE_SCHEME`` (the ``ResidentCode`` type follows the default).

Resident codes are personal identifiers whose use the Basic Resident Register Act restricts,
so validation errors neither quote the code nor carry it as their ``input``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Annotated, Final, Protocol

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.values._checksum import require_ascii_digits, weighted_mod11_check_digit
from shared.values._digit_input import ascii_digits_or_error
from shared.values._redaction import raise_with_masked_input

RESIDENT_CODE_LENGTH: Final = 11


class ResidentCodeScheme(Protocol):
    """A check-digit rule for resident codes."""

    def check_digit(self, first_ten: str) -> int:
        """Check digit (0-9) for the first ten digits, given as ASCII digits."""
        ...


@dataclass(frozen=True, slots=True)
class WeightedMod11ResidentCodeScheme:
    """The substitute rule: the individual number's weighted mod-11 scheme on 10 digits."""

    def check_digit(self, first_ten: str) -> int:
        require_ascii_digits(first_ten, length=10, what="the first part of a resident code")
        return weighted_mod11_check_digit(first_ten)


DEFAULT_RESIDENT_CODE_SCHEME: Final[ResidentCodeScheme] = WeightedMod11ResidentCodeScheme()


def resident_code_check_digit(
    first_ten: str, *, scheme: ResidentCodeScheme = DEFAULT_RESIDENT_CODE_SCHEME
) -> int:
    """Check digit for the first ten digits of a resident code."""
    return scheme.check_digit(first_ten)


def is_valid_resident_code(code: str, *, scheme: ResidentCodeScheme = DEFAULT_RESIDENT_CODE_SCHEME) -> bool:
    """True for 11 ASCII digits whose last digit is the scheme's check digit."""
    return (
        len(code) == RESIDENT_CODE_LENGTH
        and code.isascii()
        and code.isdigit()
        and scheme.check_digit(code[:10]) == int(code[10])
    )


def issue_resident_code(
    rng: Random | None = None, *, scheme: ResidentCodeScheme = DEFAULT_RESIDENT_CODE_SCHEME
) -> str:
    """A new resident code: 10 random digits and the check digit.

    Without ``rng`` the digits come from the operating system (``secrets.SystemRandom``);
    pass a seeded ``random.Random`` only in tests. Uniqueness against codes already issued
    is the caller's job (the register).
    """
    source = rng if rng is not None else secrets.SystemRandom()
    first_ten = "".join(str(source.randrange(10)) for _ in range(10))
    return first_ten + str(scheme.check_digit(first_ten))


def mask_resident_code(code: str) -> str:
    """All but the last four characters replaced by ``*`` (shorter input masked whole)."""
    if len(code) < RESIDENT_CODE_LENGTH:
        return "*" * len(code)
    return "*" * (len(code) - 4) + code[-4:]


def resident_code_validator(scheme: ResidentCodeScheme) -> Callable[[object], str]:
    """A pydantic before-validator enforcing ``scheme``, for an ``Annotated[str, ...]`` type."""

    def validate(value: object) -> str:
        if type(value) is str and is_valid_resident_code(value, scheme=scheme):
            return value  # as sent nearly always: 1.37 us a code went to 1.03 without the general path

        def masked_input() -> str:  # only on failure: bulk requests carry thousands of codes
            return mask_resident_code(value) if isinstance(value, str) else "<redacted>"

        try:
            code = ascii_digits_or_error(
                value, length=RESIDENT_CODE_LENGTH, kind="resident_code", label="resident code"
            )
        except PydanticCustomError as error:
            raise_with_masked_input(error, title="ResidentCode", masked_input=masked_input())
        if scheme.check_digit(code[:10]) != int(code[10]):
            raise_with_masked_input(
                PydanticCustomError(
                    "resident_code_check_digit", "the check digit of the resident code is wrong"
                ),
                title="ResidentCode",
                masked_input=masked_input(),
            )
        return code

    return validate


ResidentCode = Annotated[
    str,
    BeforeValidator(resident_code_validator(DEFAULT_RESIDENT_CODE_SCHEME)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{11}$",
            "minLength": RESIDENT_CODE_LENGTH,
            "maxLength": RESIDENT_CODE_LENGTH,
            "description": (
                "Resident code (住民票コード): 11 digits as a string, 10 random digits and a "
                "check digit. Full-width digits are accepted on input and normalised to ASCII."
            ),
            "examples": ["12345678903"],
        }
    ),
]
"""A valid resident code (default scheme) as 11 ASCII digits."""
