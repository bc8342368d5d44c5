"""What a campaign report shows the regulator, and what of it the public sees. Pure.

A report records what happened: nothing here refuses a filing, each breach is a finding.
- spending over the cap (Public Offices Election Act art. 194): the expenditures counted
  against it (art. 197 excludes some) above the statutory amount;
- donations from companies, unions and other bodies: they may give only to parties and their
  fund-raising bodies, never to a candidate (Political Funds Control Act art. 21, 21-2);
- anonymous donations (PFCA art. 22-6) and donations from foreigners or foreign-controlled
  bodies (PFCA art. 22-5);
- filing later than 15 days after polling day (PSEA art. 189 par. 1), by Japan's calendar.
Disclosure follows the annual reports' rules (`reports.publication.published_lines`): a donor
whose donations exceed the disclosure threshold is itemized, expenditures from the itemization
threshold are; published addresses are cut to the municipality.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Final

from services.funds.reports.identity import donor_key
from services.funds.reports.publication import filed_late, published_lines
from services.funds.rulebook import FundsRules
from shared.contracts.campaign_finance import (
    CampaignDonationIn,
    CampaignExpenditureIn,
    CampaignFinding,
    CampaignFindingKind,
    SpendingCap,
)
from shared.contracts.funds import DonorKind, LineCategory, ReportLineIn

RulesOn = Callable[[date], FundsRules]
FILING_DAYS: Final = 15
_BODIES: Final = frozenset({DonorKind.company, DonorKind.union, DonorKind.other_body})
_CATEGORY: Final = {
    DonorKind.individual: LineCategory.donation_individual,
    DonorKind.anonymous: LineCategory.donation_individual,
    DonorKind.political_organization: LineCategory.donation_political_organization,
    DonorKind.company: LineCategory.donation_corporate,
    DonorKind.union: LineCategory.donation_corporate,
    DonorKind.other_body: LineCategory.donation_corporate,
}


def due_date(polling_day: date) -> date:
    """The last day to file: 15 days after polling day (art. 189 par. 1)."""
    return polling_day + timedelta(days=FILING_DAYS)


def donation_key(line: CampaignDonationIn) -> str | None:
    if line.name is None or line.donor_kind is DonorKind.anonymous:
        return None
    return donor_key(line.name, line.municipality_code, line.address)


def published_flags(
    donations: Sequence[CampaignDonationIn],
    expenditures: Sequence[CampaignExpenditureIn],
    *,
    year: int,
    rules: RulesOn,
) -> tuple[list[bool], list[bool]]:
    """Which donations and which expenditures are itemized publicly, as an annual report's would be."""
    as_lines = [
        ReportLineIn(
            category=_CATEGORY[d.donor_kind],
            amount=d.amount,
            transaction_date=d.transaction_date,
            name=d.name,
            donor_kind=d.donor_kind,
        )
        for d in donations
    ] + [
        ReportLineIn(category=LineCategory.election, amount=e.amount, transaction_date=e.transaction_date)
        for e in expenditures
    ]
    keys = [donation_key(d) for d in donations] + [None] * len(expenditures)
    flags = published_lines(as_lines, keys, year=year, rules=rules)
    return flags[: len(donations)], flags[len(donations) :]


def counted_total(expenditures: Sequence[CampaignExpenditureIn]) -> int:
    return sum(e.amount for e in expenditures if e.counts_toward_cap)


# What bans a donation to a candidate: the test, the finding, the article, what it says.
_BANS: Final[tuple[tuple[Callable[[CampaignDonationIn], bool], CampaignFindingKind, str, str], ...]] = (
    (
        lambda line: line.donor_kind in _BODIES,
        CampaignFindingKind.body_donation_to_candidate,
        "政治資金規正法 第21条, 第21条の2",
        "a {kind} may give only to parties and their fund-raising bodies, not to a candidate",
    ),
    (
        lambda line: line.donor_kind is DonorKind.anonymous,
        CampaignFindingKind.anonymous_donation,
        "政治資金規正法 第22条の6",
        "anonymous donation",
    ),
    (
        lambda line: line.foreign,
        CampaignFindingKind.foreign_donor,
        "政治資金規正法 第22条の5",
        "donation from a foreign national or foreign-controlled body",
    ),
)


def _donation_findings(index: int, line: CampaignDonationIn) -> list[CampaignFinding]:
    return [
        CampaignFinding(
            kind=kind,
            amount=line.amount,
            limit=0,
            lines=[f"/donations/{index}"],
            article=article,
            detail=f"{detail.format(kind=line.donor_kind.value)} (¥{line.amount:,})",
        )
        for banned, kind, article, detail in _BANS
        if banned(line)
    ]


def findings(
    donations: Sequence[CampaignDonationIn],
    expenditures: Sequence[CampaignExpenditureIn],
    *,
    cap: SpendingCap,
    polling_day: date,
    first_filed_at: datetime,
) -> list[CampaignFinding]:
    """Every breach of one version of a report, in a stable order."""
    found: list[CampaignFinding] = []
    counted = counted_total(expenditures)
    if counted > cap.amount:
        found.append(
            CampaignFinding(
                kind=CampaignFindingKind.spending_cap_exceeded,
                amount=counted,
                limit=cap.amount,
                lines=[f"/expenditures/{i}" for i, e in enumerate(expenditures) if e.counts_toward_cap],
                article=cap.article,
                detail=f"¥{counted:,} spent exceeds the statutory cap of ¥{cap.amount:,} "
                f"({cap.registered_voters:,} registered voters, {cap.seats} seat(s))",
            )
        )
    for index, line in enumerate(donations):
        found.extend(_donation_findings(index, line))
    due = due_date(polling_day)
    if filed_late(first_filed_at, due):
        found.append(
            CampaignFinding(
                kind=CampaignFindingKind.late_filing,
                amount=None,
                limit=None,
                lines=[],
                article="公職選挙法 第189条第1項",
                detail=f"first filed after the due date {due.isoformat()} (15 days after polling day)",
            )
        )
    return found
