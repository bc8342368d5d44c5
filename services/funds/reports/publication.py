"""Which lines of a report the law itemizes publicly (the rest are published only as totals).

- donations: a donor whose donations to this organization in the year exceed the disclosure
  threshold (more than ¥50,000) is itemized with every donation; smaller donors never are;
- fundraising parties: a buyer whose payments for one event exceed the threshold in force on
  the event's date (over ¥200,000; over ¥50,000 from 2027-01-01);
- political-activity expenditures of the threshold (¥50,000) or more; ordinary costs (経常経費)
  never, but a Diet-member-related organization's (国会議員関係政治団体: one so registered, or the
  fund-management organization of a Diet member or candidate) every expenditure over its
  stricter threshold (¥10,000, personnel costs exempt), see rulebook;
- membership fees (no names), business income, loans, grants and party subsidies are itemized;
  other income from its threshold.
Anonymous lines name nobody and are never itemized.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime

from services.funds.rulebook import FundsRules, report_due_date, rules_on
from shared.contracts.funds import (
    DONATION_CATEGORIES,
    EXPENDITURE_CATEGORIES,
    DonorKind,
    LineCategory,
    OrganizationKind,
    ReportLineIn,
)
from shared.contracts.funds_feed import DIET_OFFICES
from shared.values import JST

RulesOn = Callable[[date], FundsRules]
_ALWAYS = frozenset(
    {
        LineCategory.membership_fee,
        LineCategory.business_income,
        LineCategory.loan,
        LineCategory.grant_from_party,
        LineCategory.party_subsidy,
    }
)


def is_diet_member_related(
    kind: str, diet_member_name: str | None, politician_office: str | None = None
) -> bool:
    """A Diet-member-related organization: registered as one, or the fund-management organization of
    a Diet member or candidate (linked to them as a politician of that office, or naming them); a
    local office holder's is not."""
    if kind == OrganizationKind.diet_member_related:
        return True
    if kind != OrganizationKind.fund_management_organization:
        return False
    if politician_office is not None:
        return politician_office in DIET_OFFICES
    return diet_member_name is not None


def expenditure_itemised(
    category: LineCategory, amount: int, *, rules: FundsRules, diet_member_related: bool
) -> bool:
    """Whether an expenditure line is itemized (its payee named) under `rules`."""
    stricter = rules.diet_member_expenditure_itemised_over
    if (
        diet_member_related
        and stricter is not None
        and category.value not in rules.diet_member_itemisation_exempt
    ):
        return amount > stricter
    if category.value in rules.ordinary_cost_categories:
        return False
    return amount >= rules.expenditure_itemised_from


def due_date(year: int, *, diet_member_related: bool, rules: RulesOn = rules_on) -> date:
    return report_due_date(year, diet_member_related=diet_member_related, rules=rules(date(year, 12, 31)))


def filed_late(first_filed_at: datetime, due: date) -> bool:
    """Filed after the due date, by the calendar of Japan (where the deadline runs)."""
    return first_filed_at.astimezone(JST).date() > due


def published_lines(
    lines: Sequence[ReportLineIn],
    donor_keys: Sequence[str | None],
    *,
    year: int,
    diet_member_related: bool = False,
    rules: RulesOn = rules_on,
) -> list[bool]:
    """One flag per line: True when the line is itemized publicly."""
    year_rules = rules(date(year, 12, 31))
    donor_totals: dict[str, int] = defaultdict(int)
    event_totals: dict[tuple[str, str], int] = defaultdict(int)
    event_dates: dict[str, date] = {}
    for line, key in zip(lines, donor_keys, strict=True):
        if key is None or line.donor_kind is DonorKind.anonymous:
            continue
        if line.category in DONATION_CATEGORIES:
            donor_totals[key] += line.amount
        elif line.category is LineCategory.fundraising_party and line.event_name is not None:
            event_totals[(line.event_name, key)] += line.amount
            if line.transaction_date is not None:
                known = event_dates.get(line.event_name)
                if known is None or line.transaction_date < known:
                    event_dates[line.event_name] = line.transaction_date

    flags: list[bool] = []
    for line, key in zip(lines, donor_keys, strict=True):
        category = line.category
        line_rules = rules(line.transaction_date) if line.transaction_date else year_rules
        if line.donor_kind is DonorKind.anonymous or (category in DONATION_CATEGORIES and key is None):
            flags.append(False)
        elif category in DONATION_CATEGORIES:
            assert key is not None
            flags.append(donor_totals[key] > year_rules.donor_disclosure_over)
        elif category is LineCategory.fundraising_party:
            if key is None or line.event_name is None:
                flags.append(False)
            else:
                event_day = event_dates.get(line.event_name, date(year, 12, 31))
                threshold = rules(event_day).party_ticket_disclosure_over
                flags.append(event_totals[(line.event_name, key)] > threshold)
        elif category in EXPENDITURE_CATEGORIES:
            flags.append(
                expenditure_itemised(
                    category, line.amount, rules=line_rules, diet_member_related=diet_member_related
                )
            )
        elif category in _ALWAYS:
            flags.append(True)
        else:
            flags.append(line.amount >= line_rules.other_income_itemised_from)
    return flags


def public_until(first_published: date, rules: FundsRules) -> date:
    """Last day a report stays public (the law keeps it public for `public_years`)."""
    try:
        return first_published.replace(year=first_published.year + rules.public_years)
    except ValueError:  # 29 February
        return date(first_published.year + rules.public_years, 3, 1)
