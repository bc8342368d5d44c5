"""Where code changes come from: the registry's code master over the gateway in production, a table in
tests. The service never reads the registry's tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CodeStatus:
    code: str
    to_date: date | None
    """Exclusive: the day the code ceased (its successors' first day); None while in force."""


class CodeMasterSource(Protocol):
    async def status(self, code: str) -> CodeStatus | None:
        """The code's validity, or None when the master does not know it."""
        ...

    async def successors(self, code: str, *, on: date) -> list[str]:
        """The codes in force on `on` that the code's body became (itself, while in force)."""
        ...


class CodeSourceUnavailable(Exception):  # noqa: N818 - rendered as a 502 problem
    """The registry could not be asked, or answered outside its contract."""
