"""API models of the funds service's filings feed, deadlines and non-filers (issue #17 item 3).

Kept beside `shared.contracts.funds` so that the feed's models read as one contract.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, Field

from shared.contracts.funds import OrganizationKind
from shared.values import CalendarDate, UtcDateTime

DEFAULT_FILINGS_LIMIT: Final = 100
MAX_FILINGS_LIMIT: Final = 1000


class Filing(BaseModel):
    """One filed version of an annual report: an original (version 1) or an amendment."""

    sequence: int = Field(description="The filing's place in the feed: increasing in commit order.")
    organization_id: int
    organization_name: str = Field(description="The organization's name when it filed.")
    organization_kind: OrganizationKind = Field(description="The organization's kind when it filed.")
    prefecture_code: str = Field(description="Prefecture of the organization's office when it filed.")
    year: int
    version: int
    amends_version: int | None = Field(description="The version this one replaced (None for an original).")
    reason: str | None = Field(description="An amendment's reason.")
    filed_at: UtcDateTime
    due_date: CalendarDate
    filed_late: bool = Field(description="The report's first filing came after its due date (Japan time).")
    income_total: int
    expenditure_total: int
    balance: int
    line_count: int


class FilingFeed(BaseModel):
    items: list[Filing]
    next_cursor: int = Field(
        description="Pass as `after` to continue. Every filing at or below it that the filters let "
        "through has been shown: a filing committed later always comes after it."
    )
    has_more: bool


class Deadline(BaseModel):
    organization_id: int
    year: int = Field(description="The calendar year the report covers.")
    due_date: CalendarDate = Field(
        description="31 March of the next year; 31 May for Diet-member-related organizations."
    )
    filed_at: UtcDateTime | None = Field(description="First filing of the report; None while not filed.")
    filed_late: bool | None = Field(description="None while not filed.")


class NonFiler(BaseModel):
    """An organization that had not filed the year's report by its due date."""

    organization_id: int
    organization_name: str
    organization_kind: OrganizationKind
    prefecture_code: str
    diet_member_related: bool
    year: int
    due_date: CalendarDate
    filed_at: UtcDateTime | None = Field(description="The late first filing; None while still not filed.")
