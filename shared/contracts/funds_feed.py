"""API models of the funds service added by issue #17: the filings feed, deadlines and non-filers
(item 3), politicians and their totals (item 4), search counts and breakdowns (item 5).

Kept beside `shared.contracts.funds`, which they extend.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.funds import DisclosedLine, LineCategory, OrganizationKind
from shared.values import CalendarDate, KanjiName, UtcDateTime
from shared.web.pagination import Page

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


# --- counts a searcher needs (issue #17 item 5) -----------------------------------------------


class CountedPage(BaseModel):
    """What a search page adds to its items: how many lines match in all."""

    count: int = Field(description="Lines matching the search, on every page: exact, or an estimate.")
    count_is_estimate: bool = Field(
        description="True when `count` is the database planner's estimate: the exact count is taken "
        "only while it stays cheap (up to a bound; see the service description)."
    )


class BreakdownItem(BaseModel):
    key: str
    count: int
    total: int = Field(description="Sum of the lines' amounts (yen).")


class SizeBand(BreakdownItem):
    min_amount: int
    max_amount: int | None = Field(description="None for the open top band.")


class LineBreakdown(BaseModel):
    """The matching lines counted and summed by donor kind, donor prefecture and amount band."""

    count: int = Field(description="Every matching line (exact: the breakdown reads them all).")
    total: int
    by_donor_kind: list[BreakdownItem] = Field(description="Key `none` for lines without a donor kind.")
    by_prefecture: list[BreakdownItem] = Field(description="Key `none` for lines without an address.")
    by_size_band: list[SizeBand]


class DisclosedLinePage(Page[DisclosedLine], CountedPage):
    """One page of a disclosure search, with the count of all matching lines."""


# --- politicians and their organizations (issue #17 item 4) -----------------------------------


class PoliticianOffice(StrEnum):
    diet_member = "diet_member"
    diet_candidate = "diet_candidate"
    local_office_holder = "local_office_holder"
    local_candidate = "local_candidate"


DIET_OFFICES = frozenset({PoliticianOffice.diet_member, PoliticianOffice.diet_candidate})
"""Offices whose fund-management organizations are Diet-member-related (art. 19-7)."""


class PoliticianIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: KanjiName
    office: PoliticianOffice = Field(
        description="A Diet member or candidate, or a local office holder (governor, mayor, assembly "
        "member) or candidate."
    )


class Politician(BaseModel):
    id: int
    version: int
    name: str
    office: PoliticianOffice
    created_at: UtcDateTime
    updated_at: UtcDateTime


class YearTotals(BaseModel):
    year: int
    income_total: int
    expenditure_total: int
    donation_total: int = Field(description="Donations from individuals, bodies and organizations.")
    category_totals: dict[LineCategory, int]


class OrganizationTotals(BaseModel):
    organization_id: int
    organization_name: str
    organization_kind: OrganizationKind
    years: list[YearTotals]


class PoliticianTotals(BaseModel):
    """A politician's money across every organization linked to them, from their current reports."""

    politician_id: int
    name: str
    office: PoliticianOffice
    years: list[YearTotals] = Field(description="All the politician's organizations together, per year.")
    organizations: list[OrganizationTotals]
