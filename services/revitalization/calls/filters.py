"""The facets of a call search, shared by the handlers, the service and the repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.contracts.revitalization_calls import CallStatus
from shared.web.pagination import query_fingerprint


@dataclass(frozen=True, slots=True)
class CallFilters:
    programme_code: str | None = None
    prefecture: str | None = None
    fiscal_year: int | None = None
    status: CallStatus | None = None
    closes_from: datetime | None = None
    closes_to: datetime | None = None

    def fingerprint(self, name: str) -> str:
        return query_fingerprint(
            name,
            programme_code=self.programme_code,
            prefecture=self.prefecture,
            fiscal_year=self.fiscal_year,
            status=self.status,
            closes_from=self.closes_from,
            closes_to=self.closes_to,
        )
