"""Structure and arithmetic of an annual report: what makes a filing inconsistent, line by line.

Pure: the caller gives the report, the year and last year's balance (when that report exists),
and gets every problem with a JSON pointer into the request body, so a filer sees exactly
which lines to fix. An empty list means the report is consistent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from services.funds.reports.publication import RulesOn, expenditure_itemised
from services.funds.rulebook import rules_on
from shared.contracts.funds import (
    DONATION_CATEGORIES,
    EXPENDITURE_CATEGORIES,
    Direction,
    DonorKind,
    LineCategory,
    ReportLineIn,
    ReportTotals,
    direction_of,
)

ALLOWED_DONORS: dict[LineCategory, frozenset[DonorKind]] = {
    LineCategory.donation_individual: frozenset({DonorKind.individual, DonorKind.anonymous}),
    LineCategory.donation_corporate: frozenset({DonorKind.company, DonorKind.union, DonorKind.other_body}),
    LineCategory.donation_political_organization: frozenset({DonorKind.political_organization}),
    LineCategory.fundraising_party: frozenset(DonorKind),
}
_SIZE_FIELD: dict[DonorKind, str] = {
    DonorKind.company: "capital_yen",
    DonorKind.union: "union_members",
    DonorKind.other_body: "annual_expenses_yen",
}
_SHOWN_LINES = 20


@dataclass(frozen=True, slots=True)
class ReportProblem:
    pointer: str
    detail: str
    type: str
    lines: tuple[int, ...] = field(default=())


# Donors that may carry a corporate number (法人番号): bodies, never a person or an anonymous gift.
CORPORATE_DONORS = frozenset(
    {DonorKind.company, DonorKind.union, DonorKind.other_body, DonorKind.political_organization}
)


def _line_numbers(indexes: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in indexes[:_SHOWN_LINES])
    more = len(indexes) - _SHOWN_LINES
    return shown + (f" and {more} more" if more > 0 else "")


def _line_problems(
    index: int, line: ReportLineIn, year: int, *, diet_member_related: bool, rules: RulesOn
) -> list[ReportProblem]:
    at = f"/lines/{index}"
    problems: list[ReportProblem] = []

    def problem(pointer: str, detail: str, code: str) -> None:
        problems.append(ReportProblem(at + pointer, detail, code, (index,)))

    if line.amount == 0:
        problem("/amount", "an itemized line must have a positive amount", "line_amount_zero")
    if line.category is LineCategory.membership_fee:
        if line.payer_count is None:
            problem("/payer_count", "membership-fee lines need the number of payers", "payer_count_missing")
    elif line.transaction_date is None:
        problem("/transaction_date", "the line needs its date", "date_missing")
    if line.transaction_date is not None and line.transaction_date.year != year:
        problem(
            "/transaction_date",
            f"{line.transaction_date.isoformat()} is outside the report's year {year}",
            "date_outside_year",
        )
    if line.address is not None and line.municipality_code is None:
        problem("/municipality_code", "an address needs its municipality code", "municipality_missing")
    if line.corporate_number is not None and line.donor_kind not in CORPORATE_DONORS:
        problem(
            "/corporate_number",
            "only a company, union, other body or political organization has a corporate number",
            "corporate_number_unexpected",
        )
    if line.category in EXPENDITURE_CATEGORIES and line.name is None:
        line_rules = rules(line.transaction_date or date(year, 12, 31))
        if expenditure_itemised(
            line.category, line.amount, rules=line_rules, diet_member_related=diet_member_related
        ):
            problem("/name", "an itemized expenditure needs its payee", "payee_missing")
    allowed = ALLOWED_DONORS.get(line.category)
    if allowed is None:
        if line.donor_kind is not None and line.category is not LineCategory.loan:
            problem("/donor_kind", f"{line.category.value} lines have no donor", "donor_kind_unexpected")
        return problems
    if line.donor_kind is None:
        problem("/donor_kind", f"{line.category.value} lines need the donor's kind", "donor_kind_missing")
        return problems
    if line.donor_kind not in allowed:
        expected = ", ".join(sorted(kind.value for kind in allowed))
        problem(
            "/donor_kind",
            f"a {line.category.value} line cannot come from a {line.donor_kind.value} (expected {expected})",
            "donor_kind_mismatch",
        )
        return problems
    if line.category is LineCategory.fundraising_party and line.event_name is None:
        problem("/event_name", "fundraising-party lines need the event", "event_missing")
    if line.donor_kind is DonorKind.anonymous:
        if line.name is not None or line.address is not None:
            problem("/name", "an anonymous line cannot name a donor or an address", "anonymous_named")
        return problems
    if line.name is None:
        problem("/name", "the donor's name is required", "name_missing")
    if line.category in DONATION_CATEGORIES and line.address is None:
        problem("/address", "the donor's address is required", "address_missing")
    size_field = _SIZE_FIELD.get(line.donor_kind)
    if line.category in DONATION_CATEGORIES and size_field and getattr(line, size_field) is None:
        problem(f"/{size_field}", f"a {line.donor_kind.value} donor needs {size_field}", "donor_size_missing")
    return problems


def check_report(
    report: ReportTotals,
    lines: Sequence[ReportLineIn],
    *,
    year: int,
    previous_balance: int | None,
    diet_member_related: bool = False,
    rules: RulesOn = rules_on,
) -> list[ReportProblem]:
    """Every structural and arithmetic problem of the report, in body order."""
    problems: list[ReportProblem] = []
    for index, line in enumerate(lines):
        problems.extend(
            _line_problems(index, line, year, diet_member_related=diet_member_related, rules=rules)
        )

    sums: dict[LineCategory, int] = defaultdict(int)
    members: dict[LineCategory, list[int]] = defaultdict(list)
    direction_sums = {Direction.income: 0, Direction.expenditure: 0}
    for index, line in enumerate(lines):
        sums[line.category] += line.amount
        members[line.category].append(index)
        direction_sums[direction_of(line.category)] += line.amount

    for category in sorted(set(sums) | set(report.category_totals), key=list(LineCategory).index):
        declared = report.category_totals.get(category)
        actual = sums.get(category, 0)
        if declared is None:
            problems.append(
                ReportProblem(
                    f"/category_totals/{category.value}",
                    f"{category.value} has lines summing to {actual:,} but no declared total "
                    f"(lines {_line_numbers(members[category])})",
                    "category_total_missing",
                    tuple(members[category]),
                )
            )
        elif declared != actual:
            listed = f" (lines {_line_numbers(members[category])})" if members[category] else " (no lines)"
            problems.append(
                ReportProblem(
                    f"/category_totals/{category.value}",
                    f"declared {declared:,} but the {category.value} lines sum to {actual:,}{listed}",
                    "category_total_mismatch",
                    tuple(members[category]),
                )
            )
    for direction, declared in (
        (Direction.income, report.income_total),
        (Direction.expenditure, report.expenditure_total),
    ):
        if declared != direction_sums[direction]:
            problems.append(
                ReportProblem(
                    f"/{direction.value}_total",
                    f"declared {declared:,} but the {direction.value} lines "
                    f"sum to {direction_sums[direction]:,}",
                    f"{direction.value}_total_mismatch",
                )
            )
    expected_balance = report.carried_forward + report.income_total - report.expenditure_total
    if report.balance != expected_balance:
        problems.append(
            ReportProblem(
                "/balance",
                f"declared {report.balance:,} but carried_forward + income_total - expenditure_total "
                f"is {expected_balance:,}",
                "balance_mismatch",
            )
        )
    if previous_balance is not None and report.carried_forward != previous_balance:
        problems.append(
            ReportProblem(
                "/carried_forward",
                f"declared {report.carried_forward:,} but last year's report "
                f"carried {previous_balance:,} forward",
                "carried_forward_mismatch",
            )
        )
    return problems
