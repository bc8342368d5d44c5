"""Donation limits and bans, evaluated over every donation of one calendar year.

Pure. A report records what happened, so nothing here refuses a filing: each breach becomes
a finding for the regulator. Donations are summed per donor (the donor key of
`reports.identity`) across all organizations and all current report versions.

- individuals: total to parties and their fund-raising bodies (branches included) over the
  cap; total to all others over its cap; to any one other recipient over its cap, but a
  candidate's own money to their own fund-management organization;
- political organizations: to any one recipient that is not a party, its branch or its
  fund-raising body, over the cap between organizations (a party's money arrives as a grant,
  not as a donation line);
- companies, unions and other bodies: any donation to a recipient that is not a party, its
  branch or its fund-raising body; a total to those over the cap for the body's size;
- anonymous donations, except at most ¥1,000 given to a party at a public meeting;
- foreign donors, except companies listed in Japan for the required years;
- companies receiving state subsidies.
Annual caps are those in force on 1 January of the year; bans use the donation's date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from services.funds.rulebook import FundsRules, cap_for, rules_on
from shared.contracts.funds import PARTY_SIDE_KINDS, DonorKind, FindingKind, OrganizationKind

RulesOn = Callable[[date], FundsRules]
_PARTY_PROPER = frozenset({OrganizationKind.political_party, OrganizationKind.party_branch})
_BODIES = frozenset({DonorKind.company, DonorKind.union, DonorKind.other_body})


class Donation(NamedTuple):
    """One donation line (a tuple: a filing's evaluation builds tens of thousands)."""

    line_ref: str
    report_id: int
    organization_id: int
    recipient_kind: OrganizationKind
    donor_key: str
    donor_name: str | None
    donor_kind: DonorKind
    amount: int
    transaction_date: date
    capital_yen: int | None = None
    union_members: int | None = None
    annual_expenses_yen: int | None = None
    foreign: bool = False
    listed_years: int | None = None
    receives_state_subsidy: bool = False
    at_public_meeting: bool = False
    # The folded name of the Diet member or candidate whose fund-management organization received it.
    recipient_politician_key: str | None = None

    @property
    def to_party_side(self) -> bool:
        return self.recipient_kind in PARTY_SIDE_KINDS

    @property
    def own_money(self) -> bool:
        """A candidate's gift to their own fund-management organization."""
        return (
            self.recipient_politician_key is not None
            and self.recipient_kind is OrganizationKind.fund_management_organization
            and self.donor_kind is DonorKind.individual
            and self.donor_key.partition("|")[0] == self.recipient_politician_key
        )


@dataclass(frozen=True, slots=True)
class FindingDraft:
    year: int
    kind: FindingKind
    donor_key: str
    donor_name: str | None
    donor_kind: DonorKind | None
    organization_id: int | None
    report_id: int | None
    amount: int
    limit: int | None
    line_refs: tuple[str, ...]
    detail: str


def _body_cap(rules: FundsRules, donations: Sequence[Donation]) -> tuple[int, str]:
    kind = donations[0].donor_kind
    if kind is DonorKind.company:
        size = max(d.capital_yen or 0 for d in donations)
        return cap_for(rules.company_caps_by_capital, size), f"capital ¥{size:,}"
    if kind is DonorKind.union:
        size = max(d.union_members or 0 for d in donations)
        return cap_for(rules.union_caps_by_members, size), f"{size:,} members"
    size = max(d.annual_expenses_yen or 0 for d in donations)
    return cap_for(rules.other_body_caps_by_expenses, size), f"annual expenses ¥{size:,}"


class LowestCaps(NamedTuple):
    """The lowest annual caps a donor's totals can be held to, by the kind of its first line (the
    kind its totals are judged by): a donor within them gives no limit finding."""

    individual_party_side: int
    individual_others: int
    body_party_side: int
    organization_others: int


def lowest_caps(rules: FundsRules) -> LowestCaps:
    steps = (*rules.company_caps_by_capital, *rules.union_caps_by_members, *rules.other_body_caps_by_expenses)
    return LowestCaps(
        individual_party_side=rules.individual_party_total_cap,
        individual_others=min(rules.individual_other_total_cap, rules.individual_per_other_recipient_cap),
        body_party_side=min(step.cap for step in steps),
        organization_others=rules.organization_per_recipient_cap,
    )


def _line_findings(donation: Donation, year: int, rules: RulesOn) -> Iterable[FindingDraft]:
    line_rules = rules(donation.transaction_date)

    def finding(kind: FindingKind, detail: str, limit: int | None = None) -> FindingDraft:
        return FindingDraft(
            year=year,
            kind=kind,
            donor_key=donation.donor_key,
            donor_name=donation.donor_name,
            donor_kind=donation.donor_kind,
            organization_id=donation.organization_id,
            report_id=donation.report_id,
            amount=donation.amount,
            limit=limit,
            line_refs=(donation.line_ref,),
            detail=detail,
        )

    if donation.donor_kind is DonorKind.anonymous:
        excepted = (
            donation.at_public_meeting
            and donation.recipient_kind in _PARTY_PROPER
            and donation.amount <= line_rules.anonymous_public_meeting_max
        )
        if not excepted:
            yield finding(
                FindingKind.anonymous_donation,
                f"anonymous donation of ¥{donation.amount:,}; only gifts of at most "
                f"¥{line_rules.anonymous_public_meeting_max:,} to a party at a public meeting are allowed",
                line_rules.anonymous_public_meeting_max,
            )
        return
    if donation.foreign:
        listed = donation.listed_years or 0
        excepted = (
            donation.donor_kind is DonorKind.company and listed >= line_rules.foreign_listed_years_exception
        )
        if not excepted:
            yield finding(
                FindingKind.foreign_donor,
                "donation from a foreign national or foreign-controlled body"
                + (f" listed for only {listed} years" if donation.donor_kind is DonorKind.company else ""),
            )
    if donation.donor_kind is DonorKind.company and donation.receives_state_subsidy:
        yield finding(
            FindingKind.state_subsidised_company, "donation from a company receiving state subsidies"
        )
    if donation.donor_kind in _BODIES and not donation.to_party_side:
        yield finding(
            FindingKind.body_to_non_party,
            f"a {donation.donor_kind.value} may give only to parties and their fund-raising bodies, "
            f"not to a {donation.recipient_kind.value}",
        )


def evaluate_year(
    donations: Sequence[Donation], *, year: int, rules: RulesOn = rules_on
) -> list[FindingDraft]:
    """Every finding of the year's donations (all of them, or all of some donors; the lines no line
    rule flags may be left out of a donor within its `lowest_caps`)."""
    year_rules = rules(date(year, 1, 1))
    rules_of_day = cache(rules)  # a year has at most 366 days, and tens of thousands of donations
    findings: list[FindingDraft] = []
    by_donor: dict[str, list[Donation]] = defaultdict(list)
    for donation in donations:
        findings.extend(_line_findings(donation, year, rules_of_day))
        if donation.donor_kind is not DonorKind.anonymous:
            by_donor[donation.donor_key].append(donation)

    for given in (by_donor[key] for key in sorted(by_donor)):
        kind = given[0].donor_kind
        party_side = [d for d in given if d.to_party_side]
        others = [d for d in given if not d.to_party_side]
        if kind is DonorKind.individual:
            findings.extend(
                _over_cap(
                    party_side,
                    FindingKind.individual_party_total_exceeded,
                    year_rules.individual_party_total_cap,
                    "to parties and their fund-raising bodies",
                    year=year,
                )
            )
            findings.extend(
                _over_cap(
                    others,
                    FindingKind.individual_other_total_exceeded,
                    year_rules.individual_other_total_cap,
                    "to other political organizations",
                    year=year,
                )
            )
            capped = others
            if year_rules.own_money_exempt_from_per_recipient_cap:
                capped = [d for d in others if not d.own_money]
            findings.extend(
                _per_recipient(
                    capped,
                    FindingKind.individual_per_recipient_exceeded,
                    year_rules.individual_per_other_recipient_cap,
                    year=year,
                )
            )
        elif kind is DonorKind.political_organization:
            findings.extend(
                _per_recipient(
                    others,
                    FindingKind.organization_per_recipient_exceeded,
                    year_rules.organization_per_recipient_cap,
                    year=year,
                )
            )
        elif kind in _BODIES and party_side:
            cap, size = _body_cap(year_rules, party_side)
            findings.extend(
                _over_cap(
                    party_side,
                    FindingKind.body_cap_exceeded,
                    cap,
                    f"to parties and their fund-raising bodies ({size})",
                    year=year,
                )
            )
    return findings


def _per_recipient(
    donations: Sequence[Donation], kind: FindingKind, cap: int, *, year: int
) -> list[FindingDraft]:
    by_recipient: dict[int, list[Donation]] = defaultdict(list)
    for donation in donations:
        by_recipient[donation.organization_id].append(donation)
    findings: list[FindingDraft] = []
    for organization_id, selected in sorted(by_recipient.items()):
        findings.extend(
            _over_cap(
                selected,
                kind,
                cap,
                f"to organization {organization_id}",
                year=year,
                recipient=organization_id,
            )
        )
    return findings


def _over_cap(
    selected: Sequence[Donation],
    kind: FindingKind,
    cap: int,
    what: str,
    *,
    year: int,
    recipient: int | None = None,
) -> list[FindingDraft]:
    amount = sum(d.amount for d in selected)
    if not selected or amount <= cap:
        return []
    first = selected[0]
    return [
        FindingDraft(
            year=year,
            kind=kind,
            donor_key=first.donor_key,
            donor_name=first.donor_name,
            donor_kind=first.donor_kind,
            organization_id=recipient,
            report_id=None,
            amount=amount,
            limit=cap,
            line_refs=tuple(d.line_ref for d in selected),
            detail=f"¥{amount:,} {what} in {year} exceeds the cap of ¥{cap:,}",
        )
    ]
