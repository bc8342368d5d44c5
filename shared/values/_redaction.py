"""Validation errors whose ``input`` is replaced by a masked form.

pydantic copies the raw input into every error (``input_value=...`` in ``str(error)``,
``"input"`` in FastAPI's 422 body and in logs). For protected numbers a validator raises
a ``ValidationError`` built here instead: pydantic-core merges its line errors into the
outer error at the right location, carrying the masked input rather than the real one.
"""

from __future__ import annotations

from typing import NoReturn

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def raise_with_masked_input(error: PydanticCustomError, *, title: str, masked_input: str) -> NoReturn:
    details: list[InitErrorDetails] = [{"type": error, "loc": (), "input": masked_input}]
    raise ValidationError.from_exception_data(title, details) from None
