"""Text no database can store: lone surrogates and NUL, found in a request before it is handled.

JSON can spell both (`"\\ud800"`, `"\\u0000"`) and Python decodes them into a `str` that passes
every string validator; then UTF-8 cannot encode the one and PostgreSQL refuses the other, and
the statement fails with a 500. Refused up front instead, for every field of every service, as
a validation failure that points at the value (never repeats it). A body is parsed a second
time only when its bytes show such an escape, so ordinary requests pay for one scan.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException as StarletteHTTPException

# An escaped surrogate or NUL, or a surrogate's raw UTF-8 bytes (json.loads lets them through).
_UNENCODABLE_HINT = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)|\xed[\xa0-\xbf]")
HINT_SPAN = 6  # bytes of an escape that can straddle two chunks of a body


class UnencodableText(StarletteHTTPException):
    """Raised from a request's `receive`: an HTTPException, so that FastAPI's body parsing passes
    it on to the problem handlers, which answer 422 with `field_error`."""

    def __init__(self, location: str, pointer: str) -> None:
        super().__init__(422, "The request holds text that cannot be stored.")
        self.field_error = {
            "location": location,
            "pointer": pointer,
            "detail": "text must be valid Unicode without NUL; a lone surrogate or NUL cannot be stored",
            "type": "string_unencodable",
        }


def may_hold_unencodable_text(data: bytes) -> bool:
    return _UNENCODABLE_HINT.search(data) is not None


def unencodable_text_pointer(body: bytes) -> str | None:
    """The JSON pointer of the first key or string in `body` that cannot be stored, if any."""
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON: the handler says so
    return _pointer_in(document, "")


def unencodable_query_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter whose value holds NUL (`%00`), if any."""
    if b"%00" not in query_string:
        return None
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\x00" in value:
            return name
    return None


def _pointer_in(value: Any, pointer: str) -> str | None:
    if isinstance(value, str):
        return pointer if _unencodable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{pointer}/{_escaped(key)}"
            if _unencodable(key):
                return inner
            found = _pointer_in(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _pointer_in(item, f"{pointer}/{index}")
            if found is not None:
                return found
    return None


def _unencodable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escaped(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1").encode("utf-8", "replace").decode("utf-8")
