"""API models of the funds service: organizations, annual reports, findings, disclosure, party subsidies."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.values import (
    CalendarDate,
    CorporateNumber,
    KanjiName,
    LocalGovernmentCode,
    RowId,
    SignedYen,
    UtcDateTime,
    Yen,
)

CalendarYear = Annotated[
    int, Field(ge=1947, le=2200, description="A calendar year (reports are per calendar year).")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:\-]+$")]
VoteCount = Annotated[
    Decimal,
    Field(ge=0, max_digits=15, decimal_places=3, description="Votes, with up to three decimals (按分票)."),
]

MAX_REPORT_LINES = 20_000


# Row ids are 32-bit integers in the funds database; a larger id in a request is a 422, not an
# overflow.


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- organizations --------------------------------------------------------------------------


class OrganizationKind(StrEnum):
    political_party = "political_party"
    fund_raising_body = "fund_raising_body"
    fund_management_organization = "fund_management_organization"
    diet_member_related = "diet_member_related"
    party_branch = "party_branch"
    other_political_organization = "other_political_organization"


PARTY_SIDE_KINDS = frozenset(
    {OrganizationKind.political_party, OrganizationKind.party_branch, OrganizationKind.fund_raising_body}
)
"""Recipients counted as "parties and their fund-raising bodies" (a branch is part of its party)."""


class OrganizationIn(_Model):
    name: KanjiName
    kind: OrganizationKind
    filer_client_id: ClientId = Field(
        description="The gateway client that files this organization's reports (one organization per client)."
    )
    representative_name: KanjiName
    treasurer_name: KanjiName
    office_municipality_code: LocalGovernmentCode
    office_address: Text
    party_id: RowId | None = Field(
        default=None,
        description="The party a branch or fund-raising body belongs to (required for them).",
    )
    diet_member_name: KanjiName | None = Field(
        default=None,
        description=(
            "The Diet member or Diet candidate of a Diet-member-related body (required) or of a "
            "fund-management organization (which is then Diet-member-related; a mayor's, governor's "
            "or local assembly member's fund-management organization names none)."
        ),
    )
    registered_date: CalendarDate
    dissolved_date: CalendarDate | None = None
    politician_id: RowId | None = Field(
        default=None,
        description=(
            "The politician (member or candidate) the organization belongs to. A fund-management "
            "organization of a Diet member or Diet candidate is Diet-member-related."
        ),
    )


class Organization(BaseModel):
    id: int
    version: int
    name: str
    kind: OrganizationKind
    representative_name: str
    treasurer_name: str
    office_municipality_code: str
    office_address: str
    party_id: int | None
    diet_member_name: str | None
    registered_date: CalendarDate
    dissolved_date: CalendarDate | None
    politician_id: int | None = None
    diet_member_related: bool = Field(
        default=False,
        description="Registered as one, or the fund-management organization of a Diet member or "
        "candidate (named, or the linked politician's office).",
    )
    filer_client_id: str | None = Field(
        default=None, description="Shown to the regulator and administrators only."
    )
    created_at: UtcDateTime
    updated_at: UtcDateTime


# --- reports --------------------------------------------------------------------------------


class Direction(StrEnum):
    income = "income"
    expenditure = "expenditure"


class LineCategory(StrEnum):
    membership_fee = "membership_fee"
    donation_individual = "donation_individual"
    donation_corporate = "donation_corporate"
    donation_political_organization = "donation_political_organization"
    fundraising_party = "fundraising_party"
    business_income = "business_income"
    loan = "loan"
    grant_from_party = "grant_from_party"
    party_subsidy = "party_subsidy"
    other_income = "other_income"
    personnel = "personnel"
    utilities = "utilities"
    supplies = "supplies"
    office = "office"
    organizational = "organizational"
    election = "election"
    publications = "publications"
    research = "research"
    donations_and_grants = "donations_and_grants"
    other_political_activity = "other_political_activity"


EXPENDITURE_CATEGORIES = frozenset(
    {
        LineCategory.personnel,
        LineCategory.utilities,
        LineCategory.supplies,
        LineCategory.office,
        LineCategory.organizational,
        LineCategory.election,
        LineCategory.publications,
        LineCategory.research,
        LineCategory.donations_and_grants,
        LineCategory.other_political_activity,
    }
)
DONATION_CATEGORIES = frozenset(
    {
        LineCategory.donation_individual,
        LineCategory.donation_corporate,
        LineCategory.donation_political_organization,
    }
)


def direction_of(category: LineCategory) -> Direction:
    return Direction.expenditure if category in EXPENDITURE_CATEGORIES else Direction.income


class DonorKind(StrEnum):
    individual = "individual"
    company = "company"
    union = "union"
    other_body = "other_body"
    political_organization = "political_organization"
    anonymous = "anonymous"


class ReportLineIn(_Model):
    """One itemized line: an income (with its payer) or an expenditure (with its payee)."""

    category: LineCategory
    amount: Yen
    transaction_date: CalendarDate | None = Field(
        default=None, description="Required except for membership fees."
    )
    name: Text | None = Field(default=None, description="Donor, ticket buyer, lender or payee.")
    donor_kind: DonorKind | None = Field(default=None, description="Required on donation and party lines.")
    address: Text | None = None
    municipality_code: LocalGovernmentCode | None = Field(
        default=None, description="Municipality of the address; required whenever an address is given."
    )
    occupation: Text | None = Field(default=None, description="Occupation, or a body's line of business.")
    payer_count: int | None = Field(default=None, ge=1, le=100_000_000, description="Membership fees only.")
    event_name: Text | None = Field(default=None, description="Fundraising party lines: the event.")
    capital_yen: Yen | None = Field(default=None, description="Company donors: capital.")
    union_members: int | None = Field(default=None, ge=0, description="Union donors: members.")
    annual_expenses_yen: Yen | None = Field(default=None, description="Other bodies: last year's expenses.")
    foreign: bool = Field(default=False, description="A foreign national or foreign-controlled body.")
    listed_years: int | None = Field(
        default=None, ge=0, le=300, description="Years listed on a Japanese exchange."
    )
    receives_state_subsidy: bool = False
    at_public_meeting: bool = Field(default=False, description="Anonymous gift at a party's public meeting.")
    corporate_number: CorporateNumber | None = Field(
        default=None,
        description="A company's, union's or other body's corporate number (法人番号): its donations "
        "add up under it whatever the spelling of the name or address.",
    )


class ReportTotals(_Model):
    carried_forward: Yen = Field(description="Balance brought from last year (前年からの繰越額).")
    income_total: Yen
    expenditure_total: Yen
    balance: SignedYen = Field(
        description="Balance carried to next year: carried_forward + income - expenditure."
    )
    category_totals: dict[LineCategory, Yen] = Field(
        description="Declared total of every category that has lines; each must equal the sum of its lines."
    )


class ReportIn(ReportTotals):
    year: CalendarYear
    lines: list[ReportLineIn] = Field(max_length=MAX_REPORT_LINES)


class AmendmentIn(ReportTotals):
    reason: Text
    lines: list[ReportLineIn] = Field(max_length=MAX_REPORT_LINES)


class ReportLine(BaseModel):
    """A line as stored; for a public caller address and donor attributes are withheld."""

    line_no: int
    category: LineCategory
    direction: Direction
    amount: int
    transaction_date: CalendarDate | None
    name: str | None
    donor_kind: DonorKind | None
    published_address: str | None = Field(description="Prefecture and municipality only.")
    prefecture_code: str | None
    occupation: str | None
    payer_count: int | None
    event_name: str | None
    published: bool = Field(description="Whether the law itemizes this line publicly.")
    corporate_number: str | None = Field(default=None, description="A body donor's corporate number.")
    address: str | None = Field(default=None, description="Full address: regulator and filer only.")
    municipality_code: str | None = None
    capital_yen: int | None = None
    union_members: int | None = None
    annual_expenses_yen: int | None = None
    foreign: bool | None = None
    listed_years: int | None = None
    receives_state_subsidy: bool | None = None
    at_public_meeting: bool | None = None


class ReportVersionSummary(BaseModel):
    organization_id: int
    year: int
    version: int
    amends_version: int | None = Field(description="The version this one replaced (None for the original).")
    amended_by_version: int | None = Field(description="The version that replaced this one, if any.")
    is_current: bool
    reason: str | None
    filed_at: UtcDateTime
    carried_forward: int
    income_total: int
    expenditure_total: int
    balance: int
    category_totals: dict[LineCategory, int]
    line_count: int
    due_date: CalendarDate = Field(
        description="31 March of the next year; 31 May for Diet-member-related organizations "
        "(and fund-management organizations, which the law counts among them)."
    )
    filed_late: bool = Field(description="The report was first filed after its due date (Japan time).")


class ReportVersion(ReportVersionSummary):
    lines: list[ReportLine]


# --- findings -------------------------------------------------------------------------------


class FindingKind(StrEnum):
    individual_party_total_exceeded = "individual_party_total_exceeded"
    individual_other_total_exceeded = "individual_other_total_exceeded"
    individual_per_recipient_exceeded = "individual_per_recipient_exceeded"
    organization_per_recipient_exceeded = "organization_per_recipient_exceeded"
    body_to_non_party = "body_to_non_party"
    body_cap_exceeded = "body_cap_exceeded"
    anonymous_donation = "anonymous_donation"
    foreign_donor = "foreign_donor"
    state_subsidised_company = "state_subsidised_company"


class Finding(BaseModel):
    id: int
    year: int
    kind: FindingKind
    donor_name: str | None
    donor_kind: DonorKind | None
    organization_id: int | None = Field(description="The recipient, when the finding is about one.")
    amount: int = Field(description="The amount in breach (the total for limit findings).")
    limit: int | None
    line_refs: list[str] = Field(
        description="'<organization>/<year>/v<version>#<line_no>' of the lines involved."
    )
    detail: str
    computed_at: UtcDateTime


# --- disclosure -----------------------------------------------------------------------------


class DisclosedLine(BaseModel):
    id: int
    organization_id: int
    organization_name: str
    year: int
    version: int
    line_no: int
    category: LineCategory
    direction: Direction
    amount: int
    transaction_date: CalendarDate | None
    name: str | None
    donor_kind: DonorKind | None
    occupation: str | None
    published_address: str | None
    prefecture_code: str | None
    event_name: str | None
    address: str | None = Field(default=None, description="Regulator only.")
    published: bool


class DonorAggregate(BaseModel):
    year: int
    donor_name: str
    published_address: str | None
    total: int
    donation_count: int
    recipient_count: int


class OrganizationAggregate(BaseModel):
    organization_id: int
    organization_name: str
    year: int
    income_total: int
    expenditure_total: int
    donation_total: int
    balance: int


class CategoryAggregate(BaseModel):
    year: int
    category: LineCategory
    total: int
    line_count: int


class PrefectureAggregate(BaseModel):
    year: int
    prefecture_code: str
    prefecture_name: str | None
    total: int
    line_count: int


# --- party subsidies ------------------------------------------------------------------------


class VoteGroup(StrEnum):
    hr_single_member = "hr_single_member"
    hr_proportional = "hr_proportional"
    hc_proportional = "hc_proportional"
    hc_district = "hc_district"


class ElectionVotes(_Model):
    """One election of a vote group: its total valid votes and each party's votes."""

    total_valid_votes: VoteCount
    party_votes: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], VoteCount] = Field(
        max_length=200
    )
    election_id: str | None = Field(default=None, max_length=100, description="Where the totals came from.")


class PartyInput(_Model):
    party_code: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
    name: KanjiName
    applying: bool = Field(description="Whether the party applied for subsidies this year.")
    diet_members: int = Field(ge=0, le=1000)
    elections_party_id: RowId | None = Field(
        default=None,
        description="The party's id in the elections service, for imported vote totals.",
    )


class VoteGroupInput(_Model):
    """The group's elections: one for the House of Representatives, the last two for the Councillors."""

    group: VoteGroup
    elections: list[ElectionVotes] = Field(min_length=1, max_length=2)


class ElectionImport(_Model):
    """Take a vote group's totals from the elections service (its certified or current results)."""

    group: VoteGroup
    election_ids: list[RowId] = Field(min_length=1, max_length=2)


class SubsidyInputs(_Model):
    census_population: int = Field(ge=1, le=1_000_000_000)
    parties: list[PartyInput] = Field(min_length=1, max_length=200)
    vote_groups: list[VoteGroupInput] = Field(
        default_factory=list, max_length=4, description="Entered totals; with imports, all four groups."
    )
    imports: list[ElectionImport] = Field(default_factory=list, max_length=4)


class SubsidyRecalculation(_Model):
    """After a mid-year election: the new basis, in force from `effective_month` of the year."""

    effective_month: int = Field(ge=2, le=12)
    inputs: SubsidyInputs


class SubsidyRequest(_Model):
    year: CalendarYear
    inputs: SubsidyInputs
    budgeted_total: Yen | None = Field(
        default=None,
        description=(
            "The year's total as the budget sets it (based on ¥250 × census population, 政党助成法 art. 7); "
            "that product when not given."
        ),
    )
    recalculation: SubsidyRecalculation | None = None


class PartyShare(BaseModel):
    party_code: str
    name: str
    eligible: bool
    applying: bool
    member_share: int
    vote_shares: dict[VoteGroup, int]
    annual_amount: int
    instalments: list[int] = Field(description="Four quarterly instalments, summing to annual_amount.")


class SubsidyAllocation(BaseModel):
    year: int
    total: int = Field(
        description="The budgeted total, or ¥ per capita × census population; the shares sum to it exactly."
    )
    rounding: str
    parties: list[PartyShare]


class StoredSubsidyAllocation(SubsidyAllocation):
    request: SubsidyRequest
    created_at: UtcDateTime
