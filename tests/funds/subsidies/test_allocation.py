"""Party-subsidy allocation against a hand-computed case, and the rounding rule."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from services.funds.rulebook import rules_on
from services.funds.subsidies.allocation import (
    AllocationError,
    allocate,
    instalments,
    largest_remainder,
    prorate,
)
from shared.contracts.funds import SubsidyInputs, VoteGroup

RULES = rules_on(__import__("datetime").date(2025, 1, 1))


def inputs(**overrides: Any) -> SubsidyInputs:
    body: dict[str, Any] = {
        "census_population": 1_000,
        "parties": [
            {"party_code": "A", "name": "甲党", "applying": True, "diet_members": 6},
            {"party_code": "B", "name": "乙党", "applying": True, "diet_members": 3},
            {"party_code": "C", "name": "丙党", "applying": True, "diet_members": 1},
            {"party_code": "D", "name": "丁党", "applying": False, "diet_members": 20},
        ],
        "vote_groups": [
            {
                "group": "hr_single_member",
                "elections": [
                    {
                        "total_valid_votes": "1000",
                        "party_votes": {"A": "600", "B": "300", "C": "10", "D": "90"},
                    }
                ],
            },
            {
                "group": "hr_proportional",
                "elections": [
                    {
                        "total_valid_votes": "1000",
                        "party_votes": {"A": "500", "B": "400", "C": "19.999", "D": "80"},
                    }
                ],
            },
            {
                "group": "hc_proportional",
                "elections": [
                    {"total_valid_votes": "1000", "party_votes": {"A": "400", "B": "400"}},
                    {"total_valid_votes": "1000", "party_votes": {"A": "200", "B": "200"}},
                ],
            },
            {
                "group": "hc_district",
                "elections": [
                    {"total_valid_votes": "1000", "party_votes": {"A": "300", "B": "100"}},
                    {"total_valid_votes": "1000", "party_votes": {"A": "100", "B": "100"}},
                ],
            },
        ],
    }
    body.update(overrides)
    return SubsidyInputs.model_validate(body)


def test_hand_computed_case() -> None:
    # T = 250 × 1,000 = 250,000. C has 1 member but at most 1.9999% of any vote: not eligible.
    # D would be eligible but did not apply. Counted: A (6 members) and B (3 members).
    # Pools (4:1:1:1:1): members 125,000; each vote quarter 31,250.
    # Members: A 125,000 × 6/9 = 83,333.33 → 83,333; B 41,666.67 → 41,667 (largest remainder).
    # HR single-member: A 600, B 300 → 20,833.33 / 10,416.67 → 20,833 / 10,417.
    # HR proportional: A 500, B 400 → 17,361.11 / 13,888.89 → 17,361 / 13,889.
    # HC proportional: averages A 300, B 300 → 15,625 each.
    # HC district: averages A 200, B 100 → 20,833.33 / 10,416.67 → 20,833 / 10,417.
    total, parties = allocate(inputs(), RULES)
    assert total == 250_000
    by_code = {p.party_code: p for p in parties}
    assert by_code["A"].member_share == 83_333
    assert by_code["B"].member_share == 41_667
    assert by_code["A"].vote_shares == {
        VoteGroup.hr_single_member: 20_833,
        VoteGroup.hr_proportional: 17_361,
        VoteGroup.hc_proportional: 15_625,
        VoteGroup.hc_district: 20_833,
    }
    assert by_code["A"].annual_amount == 157_985
    assert by_code["B"].annual_amount == 92_015
    assert (by_code["C"].eligible, by_code["C"].annual_amount) == (False, 0)
    assert (by_code["D"].eligible, by_code["D"].annual_amount) == (True, 0)
    assert sum(p.annual_amount for p in parties) == total


def test_one_member_and_two_percent_is_eligible() -> None:
    body = inputs()
    body.vote_groups[1].elections[0].party_votes["C"] = Decimal("20")
    _, parties = allocate(body, RULES)
    assert {p.party_code: p.eligible for p in parties}["C"] is True


@pytest.mark.parametrize("population", [1, 3, 7, 126_146_099, 999_999_937])
def test_shares_always_sum_to_the_total(population: int) -> None:
    total, parties = allocate(inputs(census_population=population), RULES)
    assert total == 250 * population
    assert sum(p.annual_amount for p in parties) == total
    for party in parties:
        assert sum(instalments(party.annual_amount)) == party.annual_amount


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, [1, 1, 1], [4, 3, 3]),
        (100, [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)], [34, 33, 33]),
        (7, [5, 2], [5, 2]),
        (0, [1, 2], [0, 0]),
        (5, [0, 1], [0, 5]),
    ],
)
def test_largest_remainder(total: int, weights: list[Any], expected: list[int]) -> None:
    assert largest_remainder(total, weights) == expected


def test_instalments_give_odd_yen_first() -> None:
    assert instalments(10) == [3, 3, 2, 2]


def test_monthly_proration() -> None:
    # New basis from July: 6 months of the old, 6 of the new.
    assert prorate({"A": 120, "B": 0}, {"A": 0, "B": 120}, effective_month=7, total=120) == {"A": 60, "B": 60}
    # From April: 3 months old. A: (100×3 + 0×9)/12 = 25; B: 75.
    assert prorate({"A": 100}, {"B": 100}, effective_month=4, total=100) == {"A": 25, "B": 75}
    shares = prorate({"A": 7, "B": 4}, {"A": 4, "B": 7}, effective_month=2, total=11)
    assert sum(shares.values()) == 11


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"parties": [{"party_code": "A", "name": "甲", "applying": False, "diet_members": 9}]}, "/parties"),
    ],
)
def test_unallocatable_inputs(change: dict[str, Any], pointer: str) -> None:
    body = inputs()
    body.vote_groups = [
        g.model_copy(update={"elections": [e.model_copy(update={"party_votes": {}}) for e in g.elections]})
        for g in body.vote_groups
    ]
    with pytest.raises(AllocationError) as raised:
        allocate(inputs(**change, vote_groups=[g.model_dump() for g in body.vote_groups]), RULES)
    assert raised.value.pointer == pointer


def test_votes_for_unknown_party_are_refused() -> None:
    body = inputs()
    body.vote_groups[0].elections[0].party_votes["Z"] = Decimal(1)
    with pytest.raises(AllocationError) as raised:
        allocate(body, RULES)
    assert raised.value.pointer == "/vote_groups/0/elections/0/party_votes"


def test_duplicate_vote_group_is_refused() -> None:
    groups = [g.model_dump() for g in inputs().vote_groups]
    groups[3] = {**groups[0]}
    with pytest.raises(AllocationError) as raised:
        allocate(inputs(vote_groups=groups), RULES)
    assert raised.value.pointer == "/vote_groups/3"
