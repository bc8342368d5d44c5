"""Turn caller input for a digit identifier into ASCII digits, or a pydantic error.

Full-width digits ("１３１０１６") are NFKC-normalised to ASCII first. Error messages name
the position of a bad character but never repeat the input, so that the same code serves
protected numbers (individual number, resident code).
"""

from __future__ import annotations

import unicodedata

from pydantic_core import PydanticCustomError


def ascii_digits_or_error(value: object, *, length: int, kind: str, label: str) -> str:
    """Return ``value`` as ``length`` ASCII digits or raise ``PydanticCustomError``.

    ``kind`` prefixes the error type names (``{kind}_type``, ``{kind}_not_digits``,
    ``{kind}_length``); ``label`` is the human name used in messages.
    """
    if not isinstance(value, str):
        raise PydanticCustomError(
            f"{kind}_type",
            "{label} must be a string of {length} digits",
            {"label": label, "length": length},
        )
    if len(value) == length and value.isascii() and value.isdigit():
        return value  # already what normalising would give; bulk requests carry thousands
    normalized = unicodedata.normalize("NFKC", value)
    for position, char in enumerate(normalized, start=1):
        if not ("0" <= char <= "9"):
            raise PydanticCustomError(
                f"{kind}_not_digits",
                "{label} must contain only the digits 0-9; character {position} is not a digit",
                {"label": label, "position": position},
            )
    if len(normalized) != length:
        raise PydanticCustomError(
            f"{kind}_length",
            "{label} must have {length} digits, got {actual}",
            {"label": label, "length": length, "actual": len(normalized)},
        )
    return normalized
