"""The amounts and thresholds of the Political Funds Control Act and the Party Subsidies Act, as dated data.

Every figure the rules use lives here, in one `FundsRules` per period, selected by the date a
transaction happened (`rules_on`). A change in the law is a new entry with its effective date,
never an edit of code elsewhere. Figures marked *unverified* in `docs` below come from the Act
as we understand it but are not in the team's reference; they are configurable
(`FundsSettings.company_cap_steps_above_10bn`) and listed in the service description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Final


@dataclass(frozen=True, slots=True)
class CapStep:
    """From `at_least` (capital, members or expenses) upwards the cap is `cap` yen."""

    at_least: int
    cap: int


@dataclass(frozen=True, slots=True)
class FundsRules:
    effective_from: date
    # Donation limits per donor per calendar year.
    individual_party_total_cap: int
    individual_other_total_cap: int
    individual_per_other_recipient_cap: int
    # A candidate's own money to their own fund-management organization is not held to the
    # individual per-recipient cap, only to the totals (art. 22 par. 3).
    own_money_exempt_from_per_recipient_cap: bool
    # From a political organization other than a party or its fund-raising body to another such
    # organization, per recipient (art. 22 par. 2); to parties and fund-raising bodies no cap.
    organization_per_recipient_cap: int
    company_caps_by_capital: tuple[CapStep, ...]
    union_caps_by_members: tuple[CapStep, ...]
    other_body_caps_by_expenses: tuple[CapStep, ...]
    # Bans and their exceptions.
    anonymous_public_meeting_max: int
    foreign_listed_years_exception: int
    # Disclosure.
    donor_disclosure_over: int
    party_ticket_disclosure_over: int
    # Ordinary costs (経常経費) are reported as totals only; political-activity costs are itemized
    # from `expenditure_itemised_from` (art. 12 par. 1 item 2).
    ordinary_cost_categories: frozenset[str]
    expenditure_itemised_from: int
    other_income_itemised_from: int
    # Diet-member-related organizations (国会議員関係政治団体, art. 19-7: tied to a Diet member or a
    # Diet candidate, never a local office holder) itemize every expenditure over this amount,
    # ordinary costs included, but the exempt categories (art. 19-10-2); None before the rule existed.
    diet_member_expenditure_itemised_over: int | None
    diet_member_itemisation_exempt: frozenset[str]
    public_years: int
    # Filing: the report of year Y is due on this (month, day) of Y + 1.
    report_due: tuple[int, int]
    diet_member_report_due: tuple[int, int]
    # Party subsidies: the total is set by the budget, based on this amount × the census population
    # (政党助成法 art. 7); the product is only the default when no budgeted total is given.
    subsidy_yen_per_capita: int
    party_min_members: int
    party_min_vote_share: Decimal
    unverified: tuple[str, ...] = field(default=())


def cap_for(steps: Sequence[CapStep], size: int) -> int:
    """The cap of the highest step whose threshold `size` reaches (steps sorted by threshold)."""
    applicable = [step.cap for step in steps if size >= step.at_least]
    return applicable[-1] if applicable else steps[0].cap


_BILLION: Final = 1_000_000_000

_BASE: Final = FundsRules(
    effective_from=date(1995, 1, 1),
    individual_party_total_cap=20_000_000,
    individual_other_total_cap=10_000_000,
    individual_per_other_recipient_cap=1_500_000,
    own_money_exempt_from_per_recipient_cap=True,
    organization_per_recipient_cap=50_000_000,
    company_caps_by_capital=(
        CapStep(0, 7_500_000),
        CapStep(1 * _BILLION, 15_000_000),
        CapStep(5 * _BILLION, 30_000_000),
    ),
    union_caps_by_members=(
        CapStep(0, 7_500_000),
        CapStep(50_000, 15_000_000),
        CapStep(100_000, 30_000_000),
    ),
    other_body_caps_by_expenses=(
        CapStep(0, 7_500_000),
        CapStep(20_000_000, 15_000_000),
        CapStep(60_000_000, 30_000_000),
    ),
    anonymous_public_meeting_max=1_000,
    foreign_listed_years_exception=5,
    donor_disclosure_over=50_000,
    party_ticket_disclosure_over=200_000,
    ordinary_cost_categories=frozenset({"personnel", "utilities", "supplies", "office"}),
    expenditure_itemised_from=50_000,
    other_income_itemised_from=100_000,
    diet_member_expenditure_itemised_over=None,
    diet_member_itemisation_exempt=frozenset(),
    public_years=3,
    report_due=(3, 31),
    diet_member_report_due=(5, 31),
    subsidy_yen_per_capita=250,
    party_min_members=5,
    party_min_vote_share=Decimal("0.02"),
    unverified=(
        "company caps above ¥10bn of capital (configurable; until configured ¥30M applies)",
        "union caps by membership (¥7.5M under 50,000 members, ¥15M under 100,000, ¥30M above)",
        "other bodies' caps by annual expenses (¥7.5M under ¥20M, ¥15M under ¥60M, ¥30M above)",
        "other income itemised from ¥100,000",
        "Diet-member-related organizations itemize expenditures over ¥10,000 (personnel costs "
        "exempt) from 2009; the reference says only 'stricter itemization'",
    ),
)

# The 2007 amendment: Diet-member-related organizations itemize from ¥10,000 (reports of 2009 on).
_DIET_MEMBER_RULES: Final = replace(
    _BASE,
    effective_from=date(2009, 1, 1),
    diet_member_expenditure_itemised_over=10_000,
    diet_member_itemisation_exempt=frozenset({"personnel"}),
)

RULES: Final[tuple[FundsRules, ...]] = (
    _BASE,
    _DIET_MEMBER_RULES,
    replace(_DIET_MEMBER_RULES, effective_from=date(2027, 1, 1), party_ticket_disclosure_over=50_000),
)
"""Every period's rules, oldest first."""


def report_due_date(year: int, *, diet_member_related: bool, rules: FundsRules) -> date:
    """The day the report of `year` is due (the rules of that year's 31 December)."""
    month, day = rules.diet_member_report_due if diet_member_related else rules.report_due
    return date(year + 1, month, day)


def rules_on(day: date, *, table: Sequence[FundsRules] = RULES) -> FundsRules:
    """The rules in force on `day` (the earliest period's rules before it began)."""
    current = table[0]
    for rules in table:
        if rules.effective_from <= day:
            current = rules
    return current


def with_company_steps_above_10bn(
    table: Sequence[FundsRules], steps: Sequence[tuple[int, int]]
) -> tuple[FundsRules, ...]:
    """The table with extra company steps (capital ≥ threshold → cap) configured by the operator."""
    if not steps:
        return tuple(table)
    extra = tuple(CapStep(at_least, cap) for at_least, cap in sorted(steps))
    result = []
    for rules in table:
        below = tuple(step for step in rules.company_caps_by_capital if step.at_least < 10 * _BILLION)
        result.append(replace(rules, company_caps_by_capital=below + extra))
    return tuple(result)
