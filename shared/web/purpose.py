"""The purpose of use (利用事由) every read of personal data must state, in any service.

HTTP header values are ASCII, so the purpose travels as a registered code with an optional
description in RFC 8187's encoding (`PURPOSE_HEADER_FORMAT`); free text, raw or percent-encoded,
is still accepted as before. The header is decoded and checked after the token and scopes (a
caller without them learns nothing from a purpose problem). What is recorded is one line of
text: the code and its description (or the code's registered name), or the free text, with
whitespace collapsed.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Final
from urllib.parse import quote, unquote

from fastapi import Header

from shared.contracts.registry import PURPOSE_HEADER, PURPOSE_MAX_LENGTH
from shared.web.problems import BadRequest

PURPOSE_CODE_PREFIX: Final = "jichi:purpose:"
DESCRIPTION_MAX_LENGTH: Final = 120
"""Characters of a decoded description: with the longest code it stays within PURPOSE_MAX_LENGTH."""
PURPOSE_CODES_FILE: Final = Path(__file__).parent.parent / "data" / "purpose_codes.toml"

_CODE = re.compile(r"jichi:purpose:[a-z0-9]+(?:-[a-z0-9]+){0,7}")
_CODE_NAME_MAX_LENGTH: Final = 60
# RFC 8187 3.2.1: value-chars are attr-chars and pct-encoded octets; a plain `description=`
# is the same characters (a token), percent-decoded.
_VALUE_CHARS = re.compile(r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+\-.^_`|~])*")
_EXT_VALUE = re.compile(r"(?P<charset>[A-Za-z0-9!#$%&+\-^_`{}~]+)'(?:[A-Za-z0-9\-]*)'(?P<value>.*)")
_PARAMETER = re.compile(r"\s*;\s*(?P<name>description\*?)\s*=\s*(?P<value>\S*)\s*")

PURPOSE_HEADER_PATTERN: Final = (
    r"^jichi:purpose:[a-z0-9]+(-[a-z0-9]+)*"
    r"( ?; ?description(\*=[Uu][Tt][Ff]-8'[A-Za-z0-9-]*'|=)(%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+.^_`|~-])+)?$"
)
PURPOSE_HEADER_FORMAT: Final = (
    "Purpose of use (利用事由), recorded in the registry's access log with every provision. "
    "ASCII only: a registered code (`GET /registry/v1/purposes`), optionally followed by a "
    "description of this read encoded as in RFC 8187 (UTF-8, percent-encoded), at most "
    f"{DESCRIPTION_MAX_LENGTH} characters once decoded: "
    "`jichi:purpose:child-allowance` or "
    "`jichi:purpose:child-allowance; description*=UTF-8''%E5%85%90%E7%AB%A5...`. "
    "`description=%E5%85%90...` (percent-encoded without the charset) is accepted too. "
    "Deprecated, still accepted: free text of 1-200 characters, percent-encoded UTF-8. "
    "Missing or malformed: 400 `purpose-required`; an unregistered code: 400 `unknown-purpose`."
)


@dataclass(frozen=True, slots=True)
class RegisteredPurpose:
    code: str
    name_ja: str
    name_en: str
    legal_basis: str
    legal_basis_verified: bool


def read_purpose_codes(path: Path = PURPOSE_CODES_FILE) -> dict[str, RegisteredPurpose]:
    """The registered purposes in `path`, by full code."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    codes: dict[str, RegisteredPurpose] = {}
    for name, entry in table.items():
        code = PURPOSE_CODE_PREFIX + name
        if not _CODE.fullmatch(code) or len(name) > _CODE_NAME_MAX_LENGTH:
            raise ValueError(f"{path}: {name!r} is not a purpose code name (lowercase words and hyphens)")
        codes[code] = RegisteredPurpose(code=code, **entry)
    return codes


REGISTERED_PURPOSES: Final = read_purpose_codes()


def _required(detail: str) -> BadRequest:
    return BadRequest(detail, slug="purpose-required", header=PURPOSE_HEADER)


@lru_cache(maxsize=1024)  # callers send the same few purposes; a refused one is not kept
def decode_purpose(raw: str | None) -> str:
    """The text to record for a header as sent (Starlette decodes header bytes as latin-1)."""
    if raw is None:
        raise _required(f"Reads of personal data must state their purpose in the {PURPOSE_HEADER} header.")
    raw = raw.strip()
    text = raw if raw.startswith(PURPOSE_CODE_PREFIX) else _free_text(raw)
    # A free text that decodes to a code is read as one: nothing recorded looks like a
    # registered code without being one.
    if text.startswith(PURPOSE_CODE_PREFIX):
        text = _coded_purpose(text)
    problem = purpose_problem(text)
    if problem is not None:
        raise _required(f"{PURPOSE_HEADER} {problem}.")
    return " ".join(text.split())


def _free_text(raw: str) -> str:
    """The deprecated form: raw UTF-8 bytes, or percent-encoded UTF-8."""
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = raw
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise _required(f"{PURPOSE_HEADER} is not valid percent-encoded UTF-8.") from None


def _coded_purpose(value: str) -> str:
    """`code[; description*=UTF-8''...]` as the code and its description (or registered name)."""
    code, _, parameters = value.partition(";")
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise _required(f"{PURPOSE_HEADER} does not start with a well-formed purpose code ({code[:80]!r}).")
    purpose = REGISTERED_PURPOSES.get(code)
    if purpose is None:
        raise BadRequest(
            f"{code} is not a registered purpose code; GET /registry/v1/purposes lists them.",
            slug="unknown-purpose",
            header=PURPOSE_HEADER,
        )
    if not parameters:
        return f"{code} {purpose.name_ja}"
    return f"{code} {_description(parameters)}"


def _description(parameters: str) -> str:
    parameter = _PARAMETER.fullmatch(";" + parameters)
    if parameter is None:
        raise _required(f"{PURPOSE_HEADER} takes one parameter after the code: description*=UTF-8''<text>.")
    value = parameter["value"]
    if parameter["name"] == "description*":
        extended = _EXT_VALUE.fullmatch(value)
        if extended is None or extended["charset"].upper() != "UTF-8":
            raise _required(
                f"{PURPOSE_HEADER}'s description* must be UTF-8''<percent-encoded text> (RFC 8187)."
            )
        value = extended["value"]
    if not value or not _VALUE_CHARS.fullmatch(value):
        raise _required(f"{PURPOSE_HEADER}'s description is not well-formed percent-encoding.")
    try:
        description = unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise _required(f"{PURPOSE_HEADER}'s description is not percent-encoded UTF-8.") from None
    description = " ".join(description.split())
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise _required(
            f"{PURPOSE_HEADER}'s description must have at most {DESCRIPTION_MAX_LENGTH} characters."
        )
    return description


def purpose_problem(text: str) -> str | None:
    """What makes `text` unfit to record as a purpose (however it arrived), or None."""
    text = " ".join(text.split())
    if not text:
        return "must not be empty"
    if len(text) > PURPOSE_MAX_LENGTH:
        return f"must have at most {PURPOSE_MAX_LENGTH} characters"
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in text):
        return "must not contain control characters"
    if text.startswith(PURPOSE_CODE_PREFIX) and text.split(" ", 1)[0] not in REGISTERED_PURPOSES:
        return "names a purpose code that is not registered"
    return None


def encode_purpose(code: str, description: str | None = None) -> str:
    """The header value for a registered code and an optional description (for callers)."""
    if description is None:
        return code
    return f"{code}; description*=UTF-8''{quote(description[:DESCRIPTION_MAX_LENGTH], safe='')}"


PurposeHeader = Annotated[
    str | None,
    Header(
        alias=PURPOSE_HEADER,
        description=PURPOSE_HEADER_FORMAT,
        json_schema_extra={"pattern": PURPOSE_HEADER_PATTERN, "example": "jichi:purpose:child-allowance"},
    ),
]
"""Declared as an optional header and checked in the handler, after the token and scopes; the
pattern documents the recommended form without refusing the deprecated free text."""
