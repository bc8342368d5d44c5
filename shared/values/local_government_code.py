"""Local-government code (全国地方公共団体コード, JIS X 0402), kept as a 6-digit string.

Prefecture (2 digits) + municipality (3) + check digit. With d1..d5 the first five digits,
``S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5``, ``r = S mod 11`` and the check digit is the last
digit of ``11 − r`` (r = 0 gives 1, r = 1 gives 0). Prefecture codes run from 01 to 47.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Final

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.values._checksum import require_ascii_digits
from shared.values._digit_input import ascii_digits_or_error

LOCAL_GOVERNMENT_CODE_LENGTH: Final = 6
_WEIGHTS: Final = (6, 5, 4, 3, 2)
_PREFECTURE_CODES: Final = frozenset(f"{number:02d}" for number in range(1, 48))


def local_government_check_digit(first_five: str) -> int:
    """Check digit for the first five digits of a local-government code."""
    require_ascii_digits(first_five, length=5, what="the first part of a local-government code")
    remainder = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def is_valid_local_government_code(code: str) -> bool:
    """True for 6 ASCII digits with a known prefecture (01-47) and a correct check digit."""
    return (
        len(code) == LOCAL_GOVERNMENT_CODE_LENGTH
        and code.isascii()
        and code.isdigit()
        and code[:2] in _PREFECTURE_CODES
        and local_government_check_digit(code[:5]) == int(code[5])
    )


def prefecture_code_of(code: str) -> str:
    """The two-digit prefecture code of a valid local-government code (``"131016"`` → ``"13"``)."""
    if not is_valid_local_government_code(code):
        raise ValueError(f"not a valid local-government code: {code!r}")
    return code[:2]


def is_prefecture_code(code: str) -> bool:
    """True when a valid code designates a prefecture itself (``"130001"``, Tokyo)."""
    return is_valid_local_government_code(code) and code[2:5] == "000"


def _validate_local_government_code(value: object) -> str:
    # A filing or a roll names the same ~1,900 codes thousands of times; a string's verdict is
    # kept (a refusal is not: it raises).
    if type(value) is str:
        return _checked_text(value)
    return _checked(value)


@lru_cache(maxsize=4096)
def _checked_text(value: str) -> str:
    return _checked(value)


def _checked(value: object) -> str:
    code = ascii_digits_or_error(
        value,
        length=LOCAL_GOVERNMENT_CODE_LENGTH,
        kind="local_government_code",
        label="local-government code",
    )
    if code[:2] not in _PREFECTURE_CODES:
        raise PydanticCustomError(
            "local_government_code_prefecture",
            "local-government code {code} starts with {prefecture}, "
            "which is not a prefecture code (01 to 47)",
            {"code": code, "prefecture": code[:2]},
        )
    expected = local_government_check_digit(code[:5])
    if int(code[5]) != expected:
        raise PydanticCustomError(
            "local_government_code_check_digit",
            "check digit of local-government code {code} should be {expected}",
            {"code": code, "expected": expected},
        )
    return code


LocalGovernmentCode = Annotated[
    str,
    BeforeValidator(_validate_local_government_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{6}$",
            "minLength": LOCAL_GOVERNMENT_CODE_LENGTH,
            "maxLength": LOCAL_GOVERNMENT_CODE_LENGTH,
            "description": (
                "Local-government code (全国地方公共団体コード, JIS X 0402): 6 digits as a "
                "string, prefecture (2) + municipality (3) + check digit. Full-width digits "
                "are accepted on input and normalised to ASCII."
            ),
            "examples": ["131016"],
        }
    ),
]
"""A valid local-government code, normalised to 6 ASCII digits."""
