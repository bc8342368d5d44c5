"""Full-width digits in a URL are read as the ASCII digits they stand for, in every parameter.

A Japanese keyboard types "１２" as readily as "12". Identifiers such as a resident code are
NFKC-normalised by their types (`shared.values._digit_input`), but an id, a year or a page size
is an integer that pydantic reads from ASCII digits only: in one URL, the same caller's digits
were accepted in one parameter and refused in the next. Made ASCII once, before routing, every
path and query parameter reads them alike. Bodies are JSON: numbers there are numbers.
"""

from __future__ import annotations

import re

from starlette.types import Scope

_FULL_WIDTH_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
# U+FF10..U+FF19 in UTF-8 (EF BC 90..99), percent-encoded or, as some clients send, raw.
_ENCODED_FULL_WIDTH_DIGIT = re.compile(rb"%[eE][fF]%[bB][cC]%9([0-9])|\xef\xbc([\x90-\x99])")


def _ascii_digit(match: re.Match[bytes]) -> bytes:
    encoded, raw = match.groups()
    return encoded if encoded is not None else bytes([raw[0] - 0x90 + ord("0")])


def with_ascii_digits(scope: Scope) -> Scope:
    """`scope` with the full-width digits of its path and query string made ASCII; `scope`
    itself when there are none (almost always: two checks on ASCII text)."""
    path: str = scope["path"]
    query: bytes = scope["query_string"]
    path_changes = not path.isascii() and path.translate(_FULL_WIDTH_TO_ASCII) != path
    query_changes = (b"%" in query or not query.isascii()) and _ENCODED_FULL_WIDTH_DIGIT.search(query)
    if not (path_changes or query_changes):
        return scope
    normalised = dict(scope)
    normalised["path"] = path.translate(_FULL_WIDTH_TO_ASCII)
    normalised["query_string"] = _ENCODED_FULL_WIDTH_DIGIT.sub(_ascii_digit, query)
    if "raw_path" in scope:
        normalised["raw_path"] = _ENCODED_FULL_WIDTH_DIGIT.sub(_ascii_digit, scope["raw_path"])
    return normalised
