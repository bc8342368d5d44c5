from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import pytest

from services.revitalization.allocation.rules import (
    AllocationRule,
    CategoryRule,
    CategorySpending,
    ClaimantClaim,
    compute_claims,
)

COOPERATORS = AllocationRule(
    categories=(CategoryRule("remuneration", 4_500_000), CategoryRule("activity", 2_000_000)),
    per_person_cap=5_500_000,
    prorate_by_month=True,
)
COOPERATIVES = AllocationRule(
    categories=(CategoryRule("dispatch_worker_costs", 4_000_000),), rate=Fraction(1, 2), prorate_by_month=True
)
DIGITAL = AllocationRule(
    categories=(CategoryRule("securing_costs", rate=Fraction(7, 10)),), fixed_amount_per_person=7_800_000
)
RULES = {"cooperators": COOPERATORS, "community-cooperatives": COOPERATIVES, "digital-staff": DIGITAL}


@dataclass(frozen=True)
class Line:
    id: int
    claimant: str
    programme: str
    person: str
    category: str
    amount: int
    months: int


def line(
    id_: int,
    category: str,
    amount: int,
    *,
    person: str = "p1",
    months: int = 12,
    programme: str = "cooperators",
    claimant: str = "032018",
) -> Line:
    return Line(id_, claimant, programme, person, category, amount, months)


def compute(lines: list[Line]) -> list[ClaimantClaim]:
    """What the repository's GROUP BY hands the rules: per person and category, the sum, ids and months."""
    groups: dict[tuple[str, str, str, str], list[Line]] = defaultdict(list)
    for item in lines:
        groups[(item.claimant, item.programme, item.person, item.category)].append(item)
    spending = [
        CategorySpending(
            *key,
            spent=sum(i.amount for i in group),
            months=max(i.months for i in group),
            line_ids=tuple(sorted(i.id for i in group)),
        )
        for key, group in groups.items()
    ]
    return compute_claims(spending, RULES)


@pytest.mark.parametrize(
    ("remuneration", "activity", "months", "special"),
    [
        (3_500_000, 2_000_000, 12, 5_500_000),  # the standard split, exactly at the caps
        (4_500_000, 2_000_000, 12, 5_500_000),  # flexible remuneration: the total cap trims activity
        (5_000_000, 0, 12, 4_500_000),  # remuneration capped at 4.5M
        (3_000_000, 3_000_000, 12, 5_000_000),  # activity capped at 2.0M
        (1_000_000, 500_000, 12, 1_500_000),  # under every cap
        (4_500_000, 2_000_000, 6, 2_750_000),  # half a year: every cap halved
        (4_500_000, 2_000_000, 1, 458_333),  # one month: 5.5M/12 truncated to the yen
    ],
)
def test_cooperator_caps(remuneration: int, activity: int, months: int, special: int) -> None:
    lines = [
        line(1, "remuneration", remuneration, months=months),
        line(2, "activity", activity, months=months),
    ]
    [claim] = compute(lines)
    assert claim.special_amount == special
    assert claim.ordinary_amount == 0


def test_lines_of_one_person_and_category_add_up_and_are_traced() -> None:
    lines = [line(1, "remuneration", 2_000_000), line(7, "remuneration", 3_000_000), line(3, "activity", 100)]
    [claim] = compute(lines)
    person = claim.programmes[0].persons[0]
    remuneration = next(c for c in person.categories if c.category == "remuneration")
    assert remuneration.spent == 5_000_000
    assert remuneration.counted == 4_500_000
    assert remuneration.line_ids == (1, 7)
    assert "category cap ¥4,500,000" in remuneration.note
    assert person.special_amount == 4_500_100


def test_per_person_cap_goes_to_categories_in_rule_order() -> None:
    [claim] = compute([line(1, "activity", 2_000_000), line(2, "remuneration", 4_500_000)])
    categories = {c.category: c for c in claim.programmes[0].persons[0].categories}
    assert categories["remuneration"].counted == 4_500_000
    assert categories["activity"].counted == 1_000_000
    assert "per-person cap leaves ¥1,000,000" in categories["activity"].note


def test_persons_are_capped_separately_and_claimants_grouped() -> None:
    lines = [
        line(1, "remuneration", 9_000_000, person="a"),
        line(2, "remuneration", 1_000_000, person="b"),
        line(3, "remuneration", 1_000_000, person="a", claimant="052019"),
    ]
    claims = compute(lines)
    assert [c.claimant_code for c in claims] == ["032018", "052019"]
    assert claims[0].special_amount == 4_500_000 + 1_000_000
    assert claims[1].special_amount == 1_000_000


def test_half_funded_cooperative_with_cap() -> None:
    lines = [line(1, "dispatch_worker_costs", 5_000_001, programme="community-cooperatives")]
    [claim] = compute(lines)
    assert claim.special_amount == 2_000_000


def test_digital_staff_fixed_ordinary_amount_and_70_percent_of_other_costs() -> None:
    lines = [
        line(1, "securing_costs", 1_000_001, person="d1", programme="digital-staff", claimant="030007"),
        line(2, "securing_costs", 0, person="d2", programme="digital-staff", claimant="030007"),
    ]
    [claim] = compute(lines)
    assert claim.ordinary_amount == 2 * 7_800_000
    assert claim.special_amount == 700_000  # 1,000,001 × 7/10 truncated


def test_a_category_the_rules_do_not_know_counts_nothing_but_is_shown() -> None:
    [claim] = compute([line(1, "travel", 10_000)])
    [category] = claim.programmes[0].persons[0].categories
    assert category.claimed == 0
    assert category.line_ids == (1,)
    assert "not a claimable category" in category.note


def test_no_lines_no_claims() -> None:
    assert compute([]) == []
