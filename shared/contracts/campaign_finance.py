"""API models of campaign finance reports (選挙運動費用収支報告書, Public Offices Election Act art. 189).

A candidate's treasurer (出納責任者) files one report per candidacy in an election known to
the elections service; amendments are new versions of it. The funds service reads the
candidate, the contest and the district's registered voters from elections through the gateway.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.funds import DonorKind, Text
from shared.values import CalendarDate, KanjiName, LocalGovernmentCode, RowId, UtcDateTime, Yen

MAX_CAMPAIGN_LINES = 5_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignOffice(StrEnum):
    """The kinds of election the Cabinet order (施行令 art. 127) sets a spending cap for."""

    house_of_representatives_district = "house_of_representatives_district"
    house_of_councillors_district = "house_of_councillors_district"
    house_of_councillors_national = "house_of_councillors_national"
    governor = "governor"
    prefectural_assembly = "prefectural_assembly"
    designated_city_mayor = "designated_city_mayor"
    designated_city_assembly = "designated_city_assembly"
    city_mayor = "city_mayor"
    city_assembly = "city_assembly"
    special_ward_mayor = "special_ward_mayor"
    special_ward_assembly = "special_ward_assembly"
    town_village_mayor = "town_village_mayor"
    town_village_assembly = "town_village_assembly"


class _Addressed(_Model):
    address: Text | None = None
    municipality_code: LocalGovernmentCode | None = Field(
        default=None, description="Municipality of the address; required whenever an address is given."
    )

    @model_validator(mode="after")
    def _address_has_municipality(self) -> _Addressed:
        if self.address is not None and self.municipality_code is None:
            raise ValueError("an address needs its municipality_code")
        return self


class CampaignDonationIn(_Addressed):
    """A donation received for the campaign (寄附): money, goods or services, valued in yen."""

    name: Text | None = Field(default=None, description="The donor; absent only for an anonymous donation.")
    donor_kind: DonorKind
    amount: Yen = Field(gt=0)
    transaction_date: CalendarDate
    foreign: bool = Field(default=False, description="A foreign national or foreign-controlled body.")

    @model_validator(mode="after")
    def _named(self) -> CampaignDonationIn:
        if self.donor_kind is DonorKind.anonymous:
            if self.name is not None or self.address is not None:
                raise ValueError("an anonymous donation names no donor and no address")
        elif self.name is None:
            raise ValueError("a donation names its donor unless donor_kind is anonymous")
        return self


class CampaignExpenditureIn(_Addressed):
    """An expenditure for the campaign (支出)."""

    payee: Text
    purpose: Text = Field(description="What it paid for (e.g. 選挙事務所借料, ポスター印刷).")
    amount: Yen = Field(gt=0)
    transaction_date: CalendarDate
    counts_toward_cap: bool = Field(
        default=True,
        description="False for what art. 197 excludes from the cap (e.g. costs of the campaign car "
        "borne publicly, the deposit): reported but not counted against the spending cap.",
    )


class CampaignLinesIn(_Model):
    treasurer_name: KanjiName = Field(description="The candidate's treasurer (出納責任者) who files.")
    donations: list[CampaignDonationIn] = Field(default_factory=list, max_length=MAX_CAMPAIGN_LINES)
    expenditures: list[CampaignExpenditureIn] = Field(default_factory=list, max_length=MAX_CAMPAIGN_LINES)


class CampaignReportIn(CampaignLinesIn):
    election_id: RowId = Field(description="The election, as the elections service knows it.")
    candidate_id: RowId = Field(description="The candidate, as the elections service knows them.")


class CampaignAmendmentIn(CampaignLinesIn):
    reason: Text = Field(description="Why the report is amended.")


class SpendingCap(BaseModel):
    """法定選挙運動費用 (art. 194): per_voter_yen × registered_voters (÷ seats) + fixed_yen, up to ¥100."""

    office: CampaignOffice
    registered_voters: int = Field(description="On the elections roll of the contest's district when filed.")
    seats: int
    per_voter_yen: int
    fixed_yen: int
    amount: int
    effective_from: CalendarDate
    article: str
    verified: bool = Field(description="False where the figure could not be checked against the order.")


class CampaignFindingKind(StrEnum):
    spending_cap_exceeded = "spending_cap_exceeded"
    body_donation_to_candidate = "body_donation_to_candidate"
    anonymous_donation = "anonymous_donation"
    foreign_donor = "foreign_donor"
    late_filing = "late_filing"


class CampaignFinding(BaseModel):
    kind: CampaignFindingKind
    amount: int | None = Field(description="The amount in breach (the counted total for the cap).")
    limit: int | None
    lines: list[str] = Field(description="JSON pointers of the lines involved, e.g. '/donations/2'.")
    article: str
    detail: str


class CampaignDonation(BaseModel):
    line_no: int
    name: str | None
    donor_kind: DonorKind
    amount: int
    transaction_date: CalendarDate
    published_address: str | None = Field(description="The address cut to the municipality.")
    prefecture_code: str | None
    published: bool = Field(description="Itemized publicly (the annual reports' disclosure threshold).")
    address: str | None = Field(default=None, description="Filer and regulator only.")
    municipality_code: str | None = Field(default=None, description="Filer and regulator only.")
    foreign: bool | None = Field(default=None, description="Filer and regulator only.")


class CampaignExpenditure(BaseModel):
    line_no: int
    payee: str
    purpose: str
    amount: int
    transaction_date: CalendarDate
    counts_toward_cap: bool
    published_address: str | None
    published: bool
    address: str | None = Field(default=None, description="Filer and regulator only.")
    municipality_code: str | None = Field(default=None, description="Filer and regulator only.")


class CampaignReportSummary(BaseModel):
    report_id: int
    election_id: int
    candidate_id: int
    contest_id: int
    candidate_name: str
    polling_day: CalendarDate
    due_date: CalendarDate = Field(description="15 days after polling day (art. 189).")
    filed_late: bool
    version: int
    amends_version: int | None
    amended_by_version: int | None
    is_current: bool
    reason: str | None
    filed_at: UtcDateTime
    treasurer_name: str
    income_total: int
    expenditure_total: int
    counted_expenditure_total: int = Field(description="The expenditures counted against the cap.")
    spending_cap: SpendingCap


class CampaignReportVersion(CampaignReportSummary):
    donations: list[CampaignDonation]
    expenditures: list[CampaignExpenditure]
    findings: list[CampaignFinding] | None = Field(
        default=None, description="Filer and regulator only: breaches found in this version."
    )
