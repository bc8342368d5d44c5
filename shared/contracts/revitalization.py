"""API models of the revitalization service: programmes, applications, budgets, placements,
allocation-tax claims, hometown registrations and open grants data."""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, model_validator

from shared.values import CalendarDate, FiscalYear, LocalGovernmentCode, ResidentCode, UtcDateTime, Yen

_RATE = re.compile(r"^[1-9][0-9]{0,5}/[1-9][0-9]{0,5}$")


def _rate(value: str) -> str:
    if not _RATE.match(value):
        raise ValueError("a rate is written as a fraction 'n/d' of positive integers, e.g. '1/2'")
    return value


def _share(value: str) -> str:
    _rate(value)
    if Fraction(value) > 1:
        raise ValueError("a share or reimbursement rate may not exceed 1")
    return value


Ratio = Annotated[
    str, AfterValidator(_rate), Field(description="An exact ratio 'n/d', e.g. '3/2'.", examples=["3/2"])
]
Share = Annotated[
    str,
    AfterValidator(_share),
    Field(description="An exact fraction 'n/d' of at most 1, e.g. '1/2'.", examples=["1/2"]),
]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,62}$", examples=["cooperators"])]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
PrefectureNumber = Annotated[str, Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$", examples=["13"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- programmes


class ProgrammeKind(StrEnum):
    """Which family of eligibility rules applies; new programmes reuse a family or take `generic`."""

    COOPERATOR = "cooperator"
    ENTREPRENEUR = "entrepreneur"
    LOCAL10000 = "local10000"
    COMMUNITY_COOPERATIVE = "community_cooperative"
    DIGITAL_STAFF = "digital_staff"
    GENERIC = "generic"


class LocalizedText(Strict):
    """One text in Japanese, English and easy Japanese (やさしい日本語, served for `ja-x-easy`)."""

    ja: LongText
    en: LongText
    ja_easy: LongText

    def pick(self, language: str) -> str:
        return {"ja": self.ja, "en": self.en, "ja-x-easy": self.ja_easy}[language]


class ProgrammeTexts(Strict):
    name: LocalizedText
    summary: LocalizedText


class ProgrammeIn(Strict):
    code: Slug
    kind: ProgrammeKind
    texts: ProgrammeTexts


class ProgrammeUpdate(Strict):
    kind: ProgrammeKind
    texts: ProgrammeTexts


class Programme(BaseModel):
    """A programme as served in one language (see Content-Language)."""

    code: str
    kind: ProgrammeKind
    language: str
    name: str
    summary: str
    fiscal_years: list[int]
    version: int


class ProgrammeFull(ProgrammeIn):
    """A programme with all its texts, as administrators edit it."""

    fiscal_years: list[int]
    version: int


class TermRules(Strict):
    min_months: int = Field(ge=1, le=120)
    max_months: int = Field(ge=1, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> TermRules:
        if self.min_months > self.max_months:
            raise ValueError("min_months may not exceed max_months")
        return self


class ResidenceRules(Strict):
    urban_prefectures: list[PrefectureNumber] = Field(
        max_length=47, description="Two-digit codes of the metropolitan-area prefectures."
    )
    designated_cities_are_urban: bool = True
    move_window_days_before: int = Field(ge=0, le=3650)
    move_window_days_after: int = Field(ge=0, le=3650)
    exceptions: list[Literal["former_cooperator", "from_abroad"]] = Field(default_factory=list)
    conditionally_eligible_areas: dict[LocalGovernmentCode, list[ShortText]] = Field(
        default_factory=dict,
        description="Urban municipalities that still receive cooperators: code → area prefixes "
        "(an empty list: the whole municipality).",
    )


class LoanTier(Strict):
    min_loan_ratio: Ratio = Field(description="The loan must be at least this multiple of the grant.")
    grant_cap: Yen


class NationalShareRules(Strict):
    """What each municipality category gets; which category a municipality is in, per fiscal year, is
    the register's (`/municipality-categories`)."""

    shares: dict[Slug, Share] = Field(min_length=1, description="Municipality category → national share.")
    default_category: Slug = Field(
        description="The category of a municipality the register lists no category for in that fiscal year."
    )
    category_grant_caps: dict[Slug, Yen] = Field(
        default_factory=dict,
        description="Municipality category → the most one grant may be, whatever the loan tier allows.",
    )

    @model_validator(mode="after")
    def _known_categories(self) -> NationalShareRules:
        unknown = ({self.default_category} | set(self.category_grant_caps)) - set(self.shares)
        if unknown:
            raise ValueError(f"categories without a share: {', '.join(sorted(unknown))}")
        return self


class AllocationCategory(Strict):
    name: Slug
    cap_per_person: Yen | None = None
    rate: Share | None = Field(default=None, description="Overrides the programme's rate for this category.")


class AllocationRules(Strict):
    claimant: Literal["municipality", "prefecture"] = "municipality"
    categories: list[AllocationCategory] = Field(min_length=1, max_length=20)
    rate: Share = "1/1"
    per_person_cap: Yen | None = None
    prorate_by_month: bool = False
    fixed_amount_per_person: Yen | None = Field(
        default=None, description="An amount per person from the ordinary allocation tax, reported apart."
    )

    @model_validator(mode="after")
    def _unique(self) -> AllocationRules:
        names = [c.name for c in self.categories]
        if len(names) != len(set(names)):
            raise ValueError("category names must be unique")
        return self


class DocumentRequirement(Strict):
    code: Slug
    name: LocalizedText


class ProgrammeYearRules(Strict):
    """Everything about a programme that may change from one fiscal year to the next."""

    grant_cap: Yen | None = Field(default=None, description="Most that one application may be awarded.")
    term: TermRules | None = None
    residence: ResidenceRules | None = None
    loan_tiers: list[LoanTier] | None = Field(default=None, min_length=1, max_length=10)
    national_share: NationalShareRules | None = None
    allocation: AllocationRules | None = None
    required_documents: list[DocumentRequirement] = Field(default_factory=list, max_length=50)


class ProgrammeYear(BaseModel):
    programme_code: str
    fiscal_year: int
    rules: ProgrammeYearRules
    version: int


# ---------------------------------------------------------------- municipality categories


class MunicipalityCategoryIn(Strict):
    category: Slug = Field(
        description="A category the programmes' rules give a share to, e.g. fiscally_weak."
    )


class MunicipalityCategoryEntry(Strict):
    municipality_code: LocalGovernmentCode
    category: Slug


class MunicipalityCategoryBatchIn(Strict):
    fiscal_year: FiscalYear
    entries: list[MunicipalityCategoryEntry] = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _once_each(self) -> MunicipalityCategoryBatchIn:
        counts = Counter(entry.municipality_code for entry in self.entries)
        repeated = sorted(code for code, count in counts.items() if count > 1)
        if repeated:
            raise ValueError(f"municipalities listed more than once: {', '.join(repeated)}")
        return self


class MunicipalityCategoryBatch(BaseModel):
    fiscal_year: int
    created: int


class MunicipalityCategory(BaseModel):
    fiscal_year: int
    municipality_code: str
    category: str
    version: int
    updated_at: UtcDateTime


class MunicipalityCategoryChange(BaseModel):
    id: int
    fiscal_year: int
    municipality_code: str
    old_category: str | None = Field(description="None when the entry was made.")
    new_category: str
    actor: str = Field(description="The client id that made the change.")
    at: UtcDateTime


# ---------------------------------------------------------------- applications


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class ApplicantKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Applicant(Strict):
    kind: ApplicantKind
    name: ShortText = Field(description="Never published for a person; published for an organisation.")
    resident_code: ResidentCode | None = Field(
        default=None, description="Needed for the residence rule (cooperators)."
    )
    former_cooperator: bool = False


class ApplicationDetails(Strict):
    """Programme-specific facts; which ones are needed depends on the programme's kind."""

    appointment_start_date: CalendarDate | None = None
    term_end_date: CalendarDate | None = None
    loan_amount: Yen | None = None
    lending_bank: ShortText | None = None
    company_name: ShortText | None = None


class ApplicationIn(Strict):
    programme_code: Slug
    fiscal_year: FiscalYear
    municipality_code: LocalGovernmentCode = Field(description="The hiring or granting municipality.")
    applicant: Applicant
    title: ShortText
    description: LongText
    requested_amount: Yen
    details: ApplicationDetails = Field(default_factory=ApplicationDetails)


class ApplicationPatch(Strict):
    """Fields to change while the application is a draft or returned; absent fields stay."""

    title: ShortText | None = None
    description: LongText | None = None
    requested_amount: Yen | None = None
    applicant: Applicant | None = None
    details: ApplicationDetails | None = None


class Finding(BaseModel):
    code: str
    passed: bool
    detail: str


class EligibilityReport(BaseModel):
    eligible: bool
    findings: list[Finding]
    amounts: dict[str, int] = Field(default_factory=dict)
    checked_at: UtcDateTime


class Application(BaseModel):
    id: int
    programme_code: str
    fiscal_year: int
    municipality_code: str
    applicant: Applicant
    title: str
    description: str
    requested_amount: int
    approved_amount: int | None
    disbursed_amount: int
    details: ApplicationDetails
    state: ApplicationState
    allowed_actions: list[str]
    eligibility: EligibilityReport | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class SubmissionIn(Strict):
    reason: ShortText | None = None


class WithdrawalIn(Strict):
    reason: ShortText | None = None


class DecisionAction(StrEnum):
    START_REVIEW = "start_review"
    RETURN = "return"
    APPROVE = "approve"
    REJECT = "reject"
    ACTIVATE = "activate"
    COMPLETE = "complete"


class DecisionIn(Strict):
    action: DecisionAction
    reason: ShortText | None = None
    approved_amount: Yen | None = Field(default=None, description="Required to approve.")


class Transition(BaseModel):
    id: int
    application_id: int
    action: str
    from_state: ApplicationState | None
    to_state: ApplicationState
    actor: str = Field(description="The client id that made the change.")
    at: UtcDateTime
    reason: str | None
    changes: dict[str, Any] = Field(description="Changed fields: {field: {old, new}}.")


# ---------------------------------------------------------------- budgets and money


class BudgetIn(Strict):
    amount: Yen


class Budget(BaseModel):
    programme_code: str
    fiscal_year: int
    municipality_code: str
    amount: int
    committed: int
    disbursed: int
    carried_in: int = Field(
        description="Carried over (繰越) from the previous fiscal year with the awards it pays."
    )
    carried_out: int = Field(
        description="Carried over into the next fiscal year: no longer available this year."
    )
    available: int = Field(description="amount + carried_in - carried_out - committed.")
    version: int


class DisbursementIn(Strict):
    amount: Annotated[StrictInt, Field(ge=1, le=10**13)]
    paid_date: CalendarDate
    fiscal_year: FiscalYear | None = Field(
        default=None,
        description="The budget year it is paid from: the award's (the default) or, after a carry-over, "
        "the year the award was carried into.",
    )


class Disbursement(BaseModel):
    id: int
    application_id: int
    amount: int
    paid_date: CalendarDate
    fiscal_year: int = Field(description="The budget year it was paid from.")
    recorded_by: str
    recorded_at: UtcDateTime


class CarryOverBasis(StrEnum):
    """The legal ground of a carry-over into the next fiscal year (地方自治法)."""

    CARRY_FORWARD = "carry_forward"
    """繰越明許費 (art. 213): an expense the budget allows to be carried over."""
    ACCIDENT = "accident"
    """事故繰越 (art. 220 par. 3 proviso): committed in the year, delayed by an unavoidable event."""


class CarryOverIn(Strict):
    amount: Annotated[
        StrictInt, Field(ge=1, le=10**13, description="Unspent yen of the award to carry over.")
    ]
    basis: CarryOverBasis
    decided_on: CalendarDate = Field(description="Within the award's fiscal year.")
    reason: ShortText


class CarryOver(BaseModel):
    id: int
    application_id: int
    programme_code: str
    municipality_code: str
    from_fiscal_year: int
    to_fiscal_year: int
    amount: int
    basis: CarryOverBasis
    reason: str
    decided_on: CalendarDate
    recorded_by: str
    recorded_at: UtcDateTime


# ---------------------------------------------------------------- placements


class Placement(BaseModel):
    id: int
    application_id: int
    programme_code: str
    fiscal_year: int
    municipality_code: str
    start_date: CalendarDate
    end_date: CalendarDate
    original_end_date: CalendarDate
    extensions: int
    latest_possible_end_date: CalendarDate
    still_resident: bool | None
    settlement_checked_on: CalendarDate | None
    version: int


class ExtensionIn(Strict):
    new_end_date: CalendarDate
    reason: ShortText


class SettlementCheckIn(Strict):
    as_of_date: CalendarDate = Field(description="A day after the term ended and not in the future.")


class SettlementRate(BaseModel):
    municipality_code: str
    cohort_fiscal_year: int = Field(description="Fiscal year in which the terms ended.")
    ended: int
    checked: int
    settled: int
    rate_percent: float | None


class SettlementRates(BaseModel):
    items: list[SettlementRate] = Field(description="By municipality, then cohort.")


# ---------------------------------------------------------------- allocation tax


class SpendingLineIn(Strict):
    claimant_code: LocalGovernmentCode = Field(description="The municipality (or prefecture) that spent.")
    fiscal_year: FiscalYear
    programme_code: Slug
    person_ref: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,64}$")] = Field(
        description="The claimant's own reference for the person (no personal data)."
    )
    category: Slug
    amount: Yen
    months: int = Field(default=12, ge=1, le=12, description="Months of the fiscal year served.")


class SpendingBatchIn(Strict):
    lines: list[SpendingLineIn] = Field(min_length=1, max_length=1000)


class SpendingLine(SpendingLineIn):
    id: int


class SpendingBatch(BaseModel):
    ids: list[int]


class ClaimCategory(BaseModel):
    category: str
    spent: int
    cap: int | None
    counted: int
    rate: str
    claimed: int
    line_ids: list[int]
    explanation: str


class ClaimPerson(BaseModel):
    person_ref: str
    months: int
    person_cap: int | None
    categories: list[ClaimCategory]
    special_amount: int
    ordinary_amount: int


class ClaimProgramme(BaseModel):
    programme_code: str
    persons: list[ClaimPerson]
    special_amount: int
    ordinary_amount: int


class Claim(BaseModel):
    claimant_code: str
    fiscal_year: int
    programmes: list[ClaimProgramme]
    special_amount: int = Field(description="Special allocation tax claimable.")
    ordinary_amount: int = Field(description="Ordinary allocation tax amounts (digital-skill staff).")


# ---------------------------------------------------------------- hometown registrations


class HometownTier(StrEnum):
    BASIC = "basic"
    PREMIUM = "premium"


class HometownStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class HometownRegistrationIn(Strict):
    person_ref: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,64}$")] = Field(
        description="The calling system's stable reference for the person."
    )
    municipality_code: LocalGovernmentCode
    tier: HometownTier
    resident_code: ResidentCode | None = Field(
        default=None, description="When given, the person's identity is verified against the registry."
    )
    activity: ShortText | None = Field(default=None, description="For premium: volunteering, side job, ...")


class HometownRegistration(BaseModel):
    id: int
    person_ref: str
    municipality_code: str
    tier: HometownTier
    status: HometownStatus
    identity_verified: bool
    activity: str | None
    review_reason: str | None
    created_at: UtcDateTime
    version: int


class HometownReviewIn(Strict):
    decision: Literal["approve", "reject"]
    reason: ShortText | None = None


class HometownCount(BaseModel):
    municipality_code: str
    basic: int
    premium: int


# ---------------------------------------------------------------- open data (360Giving)


class Organisation360(BaseModel):
    id: str
    name: str


class Location360(BaseModel):
    geoCode: str  # noqa: N815 - 360Giving field name
    geoCodeType: str  # noqa: N815
    name: str


class Programme360(BaseModel):
    code: str
    title: str


class PlannedDates360(BaseModel):
    startDate: CalendarDate | None  # noqa: N815
    endDate: CalendarDate | None  # noqa: N815


class Outcome360(BaseModel):
    """An additional field (360Giving permits publishers' own fields beside the standard's; its tools
    do not validate them): the latest reported figure of each outcome indicator of the grant."""

    indicator: str
    value: int
    measuredOn: CalendarDate  # noqa: N815


class Grant360(BaseModel):
    """One award in the 360Giving standard's shape (its camelCase names are the standard's)."""

    id: str
    title: str
    description: str
    currency: Literal["JPY"] = "JPY"
    amountAppliedFor: int  # noqa: N815
    amountAwarded: int  # noqa: N815
    amountDisbursed: int  # noqa: N815
    awardDate: CalendarDate  # noqa: N815
    plannedDates: list[PlannedDates360]  # noqa: N815
    recipientOrganization: list[Organisation360]  # noqa: N815
    fundingOrganization: list[Organisation360]  # noqa: N815
    beneficiaryLocation: list[Location360]  # noqa: N815
    grantProgramme: list[Programme360]  # noqa: N815
    dateModified: UtcDateTime  # noqa: N815
    outcomes: list[Outcome360] = Field(
        default_factory=list,
        description="An additional field outside the 360Giving standard: the latest reported figure of each "
        "outcome indicator (jobs created, people settled, residents served...).",
    )


# ---------------------------------------------------------------- results after award


class OutcomeIndicator(StrEnum):
    """What an award's results are counted in; each value is a count of people or bodies."""

    JOBS_CREATED = "jobs_created"
    """Jobs created (雇用創出数)."""
    PEOPLE_SETTLED = "people_settled"
    """People who settled in the municipality (定住者数), e.g. cooperators staying after their term."""
    RESIDENTS_SERVED = "residents_served"
    """Residents served by the funded activity (受益住民数)."""
    BUSINESSES_STARTED = "businesses_started"
    """Businesses started (起業数)."""
    VISITORS = "visitors"
    """Visitors or participants (交流人口)."""


class MilestoneIn(Strict):
    title: ShortText = Field(description="Published as open data: no personal data.")
    planned_date: CalendarDate
    achieved_date: CalendarDate | None = Field(
        default=None, description="Not in the future, not before the award."
    )


class MilestoneAchievementIn(Strict):
    achieved_date: CalendarDate


class Milestone(BaseModel):
    id: int
    application_id: int
    title: str
    planned_date: CalendarDate
    achieved_date: CalendarDate | None
    reported_by: str
    reported_at: UtcDateTime
    version: int


class OutcomeReportIn(Strict):
    indicator: OutcomeIndicator
    value: Annotated[
        StrictInt, Field(ge=0, le=10**9, description="The count as of measured_on (cumulative).")
    ]
    measured_on: CalendarDate = Field(description="Not in the future, not before the award.")


class OutcomeReport(BaseModel):
    id: int
    application_id: int
    indicator: OutcomeIndicator
    value: int
    measured_on: CalendarDate
    reported_by: str
    reported_at: UtcDateTime


class PublicOutcome(BaseModel):
    """An outcome report as open data: the grant it belongs to, the figure, and when; never who."""

    grant_id: str = Field(description="The 360Giving identifier of the grant.")
    programme_code: str
    fiscal_year: int
    municipality_code: str
    indicator: OutcomeIndicator
    value: int
    measured_on: CalendarDate
    reported_at: UtcDateTime


class PublicMilestone(BaseModel):
    grant_id: str = Field(description="The 360Giving identifier of the grant.")
    programme_code: str
    fiscal_year: int
    municipality_code: str
    title: str
    planned_date: CalendarDate
    achieved_date: CalendarDate | None


# ---------------------------------------------------------------- cooperation frameworks


class FrameworkKind(StrEnum):
    """Wide-area cooperation without merger, and the community bodies inside a municipality."""

    SETTLEMENT_REGION = "settlement_region"
    """定住自立圏: a central city and partner municipalities, each under a one-to-one agreement."""
    CORE_URBAN_AREA = "core_urban_area"
    """連携中枢都市圏: a central city and partners under cooperation agreements (地方自治法 art. 252-2)."""
    WIDE_AREA_UNION = "wide_area_union"
    """広域連合: a special local public body of its members (地方自治法 art. 284 par. 3)."""
    PARTIAL_AFFAIRS_ASSOCIATION = "partial_affairs_association"
    """一部事務組合: a special local public body for part of its members' affairs (art. 284 par. 2)."""
    REGIONAL_MANAGEMENT_ORGANIZATION = "regional_management_organization"
    """地域運営組織: residents' organization solving local issues, hosted by one municipality."""
    COMMUNITY_NETWORK_ZONE = "community_network_zone"
    """小さな拠点: a core community gathering services for its villages, in one municipality."""


class MemberRole(StrEnum):
    CENTRAL_CITY = "central_city"
    """中心市 / 連携中枢都市."""
    PARTNER = "partner"
    """近隣市町村 / 連携市町村."""
    MEMBER = "member"
    """A constituent body of a union or an association (構成団体)."""
    HOST = "host"
    """The municipality a regional management organization or a community network zone is in."""


class FrameworkMemberIn(Strict):
    municipality_code: LocalGovernmentCode
    role: MemberRole
    joined_on: CalendarDate | None = Field(
        default=None, description="Default: the framework's established_on."
    )


class FrameworkIn(Strict):
    kind: FrameworkKind
    name: ShortText
    agreement_reference: ShortText = Field(
        description="The agreement (協定・連携協約・規約) by title, number and date, as published."
    )
    established_on: CalendarDate
    members: list[FrameworkMemberIn] = Field(min_length=1, max_length=200)


class FrameworkMember(BaseModel):
    id: int
    municipality_code: str
    name: str = Field(
        description="The official name with its prefecture; the code for one newer than the list."
    )
    role: MemberRole
    joined_on: CalendarDate
    left_on: CalendarDate | None = Field(description="Exclusive: the first day no longer a member.")
    leave_reason: Literal["withdrawal", "merger"] | None
    succeeded_from: int | None = Field(description="The membership this one continues after a merger.")
    recorded_by: str


class Framework(BaseModel):
    id: int
    kind: FrameworkKind
    name: str
    agreement_reference: str
    established_on: CalendarDate
    members: list[FrameworkMember]
    recorded_by: str
    recorded_at: UtcDateTime
    version: int


class MemberJoinIn(Strict):
    municipality_code: LocalGovernmentCode
    role: MemberRole
    joined_on: CalendarDate


class MemberDepartureIn(Strict):
    municipality_code: LocalGovernmentCode
    left_on: CalendarDate = Field(description="The first day no longer a member.")


class SuccessionCheckIn(Strict):
    as_of: CalendarDate = Field(description="Follow every code change in force up to this day.")


class AllocationTaxItem(BaseModel):
    """An allocation-tax measure a member may receive for the framework, as dated rule data with its
    source; `verified` is false where the figure could not be checked against the ministry's own text."""

    municipality_code: str
    role: MemberRole
    measure_id: str
    tax: Literal["special", "ordinary"]
    name: str
    annual_amount: int | None = Field(
        description="Yen per year; null where the rule is a formula or unknown."
    )
    amount_basis: Literal["about", "cap", "formula", "unknown"]
    from_fiscal_year: int
    verified: bool
    source_title: str
    source_url: str
    note: str
