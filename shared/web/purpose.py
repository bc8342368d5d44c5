"""The purpose of use (利用事由) every read of personal data must state, in any service.

The header is decoded and checked after the token and scopes (a caller without them learns
nothing from a purpose problem); what is recorded is the decoded text with whitespace collapsed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Annotated
from urllib.parse import unquote

from fastapi import Header

from shared.contracts.registry import PURPOSE_HEADER, PURPOSE_MAX_LENGTH
from shared.web.problems import BadRequest


def _required(detail: str) -> BadRequest:
    return BadRequest(detail, slug="purpose-required", header=PURPOSE_HEADER)


@lru_cache(maxsize=1024)  # callers send the same few purposes; a refused one is not kept
def decode_purpose(raw: str | None) -> str:
    """Header text as sent: raw UTF-8 bytes and percent-encoded UTF-8 are both accepted."""
    if raw is None:
        raise _required(f"Reads of personal data must state their purpose in the {PURPOSE_HEADER} header.")
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = raw
    try:
        text = unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise _required(f"{PURPOSE_HEADER} is not valid percent-encoded UTF-8.") from None
    problem = purpose_problem(text)
    if problem is not None:
        raise _required(f"{PURPOSE_HEADER} {problem}.")
    return " ".join(text.split())


def purpose_problem(text: str) -> str | None:
    """What makes `text` unfit to record as a purpose (however it arrived), or None."""
    text = " ".join(text.split())
    if not text:
        return "must not be empty"
    if len(text) > PURPOSE_MAX_LENGTH:
        return f"must have at most {PURPOSE_MAX_LENGTH} characters"
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in text):
        return "must not contain control characters"
    return None


PurposeHeader = Annotated[
    str | None,
    Header(
        alias=PURPOSE_HEADER,
        description="Purpose of use (利用事由), 1-200 characters; non-ASCII as percent-encoded UTF-8. "
        "Required: recorded in the access log with every provision.",
    ),
]
"""Declared as an optional header and checked in the handler, after the token and scopes."""
