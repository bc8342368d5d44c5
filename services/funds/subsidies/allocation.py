"""Party-subsidy allocation (政党助成法), to the yen.

Total T is set by the budget, based on ¥ per capita × census population (art. 7): the budgeted
total when given, else that product. Only parties that apply and are eligible (at least
the minimum number of Diet members, or one member and the minimum vote share in any election
given) share it. Half of T goes by Diet members; the other half by votes, in four equal
quarters: House of Representatives single-member, its proportional vote, and the House of
Councillors proportional and district votes each averaged over the elections given (the last
two).

Rounding, so that every amount is whole yen and the shares add up to T exactly: each split is
by the largest-remainder method. T is first split into the five pools (weights 4:1:1:1:1),
then each pool among the parties in proportion to their members or votes: everyone gets the
floor of their exact share, and the yen left over go one each to the largest fractional
remainders, ties to the party whose code sorts first (for pools: in the order above). The
annual amount is paid in four quarterly instalments, split the same way (earlier instalments
take the odd yen). After a mid-year election the annual amount is prorated by month: the old
basis for the months before the effective month, the new one from it, again split by largest
remainder over T.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.funds.rulebook import FundsRules
from shared.contracts.funds import PartyInput, SubsidyInputs, VoteGroup, VoteGroupInput

POOL_ORDER = (
    VoteGroup.hr_single_member,
    VoteGroup.hr_proportional,
    VoteGroup.hc_proportional,
    VoteGroup.hc_district,
)
ROUNDING = (
    "largest remainder: T split 4:1:1:1:1 into the member pool and the four vote pools, each pool split "
    "by floor of the exact share plus one yen to the largest remainders (ties: party code order); "
    "instalments and monthly proration split the same way"
)


class AllocationError(ValueError):
    """The inputs cannot be allocated (no counted party, a pool with no members or votes)."""

    def __init__(self, detail: str, pointer: str) -> None:
        super().__init__(detail)
        self.pointer = pointer


def largest_remainder(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Whole shares of `total` in proportion to `weights`, summing to `total` exactly."""
    weight_sum = sum(Fraction(w) for w in weights)
    if weight_sum <= 0:
        raise ValueError("weights must have a positive sum")
    exact = [Fraction(total) * Fraction(w) / weight_sum for w in weights]
    shares = [int(e) for e in exact]  # exact shares are non-negative: int() is the floor
    left = total - sum(shares)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


@dataclass(frozen=True, slots=True)
class PartyAllocation:
    party_code: str
    name: str
    applying: bool
    eligible: bool
    member_share: int
    vote_shares: dict[VoteGroup, int]

    @property
    def annual_amount(self) -> int:
        return self.member_share + sum(self.vote_shares.values())


def _group_votes(group: VoteGroupInput, party_code: str) -> Fraction:
    votes = [Fraction(election.party_votes.get(party_code, 0)) for election in group.elections]
    return sum(votes, Fraction(0)) / len(votes)


def is_eligible(party: PartyInput, groups: Sequence[VoteGroupInput], rules: FundsRules) -> bool:
    if party.diet_members >= rules.party_min_members:
        return True
    if party.diet_members < 1:
        return False
    threshold = Fraction(rules.party_min_vote_share)
    for group in groups:
        for election in group.elections:
            total = Fraction(election.total_valid_votes)
            if total > 0 and Fraction(election.party_votes.get(party.party_code, 0)) / total >= threshold:
                return True
    return False


def _validate(inputs: SubsidyInputs) -> dict[VoteGroup, VoteGroupInput]:
    groups: dict[VoteGroup, VoteGroupInput] = {}
    for index, group in enumerate(inputs.vote_groups):
        if group.group in groups:
            raise AllocationError(f"vote group {group.group.value} is given twice", f"/vote_groups/{index}")
        groups[group.group] = group
    codes = [party.party_code for party in inputs.parties]
    for index, code in enumerate(codes):
        if codes.index(code) != index:
            raise AllocationError(f"party {code} is given twice", f"/parties/{index}")
    missing = [group.value for group in POOL_ORDER if group not in groups]
    if missing:
        raise AllocationError(f"vote groups missing: {', '.join(missing)}", "/vote_groups")
    known = set(codes)
    for index, group in enumerate(inputs.vote_groups):
        for e_index, election in enumerate(group.elections):
            unknown = sorted(set(election.party_votes) - known)
            if unknown:
                raise AllocationError(
                    f"votes for unknown parties: {', '.join(unknown)}",
                    f"/vote_groups/{index}/elections/{e_index}/party_votes",
                )
            counted = sum(election.party_votes.values())
            if counted > election.total_valid_votes:
                raise AllocationError(
                    f"party votes ({counted}) exceed the total valid votes ({election.total_valid_votes})",
                    f"/vote_groups/{index}/elections/{e_index}/total_valid_votes",
                )
    return groups


def allocate(
    inputs: SubsidyInputs, rules: FundsRules, *, budgeted_total: int | None = None
) -> tuple[int, list[PartyAllocation]]:
    """The year's total (the budgeted one, or its basis ¥ per capita × census population when none
    is given) and each party's shares (parties sorted by code)."""
    groups = _validate(inputs)
    parties = sorted(inputs.parties, key=lambda party: party.party_code)
    group_list = [groups[g] for g in POOL_ORDER]
    total = (
        budgeted_total
        if budgeted_total is not None
        else rules.subsidy_yen_per_capita * inputs.census_population
    )
    eligible = {p.party_code: is_eligible(p, group_list, rules) for p in parties}
    counted = [p for p in parties if p.applying and eligible[p.party_code]]
    if not counted:
        raise AllocationError("no applying party is eligible", "/parties")
    member_pool, *vote_pools = largest_remainder(total, [4, 1, 1, 1, 1])

    member_weights = [p.diet_members for p in counted]
    if sum(member_weights) == 0:
        raise AllocationError("the counted parties have no Diet members", "/parties")
    member_shares = dict(
        zip((p.party_code for p in counted), largest_remainder(member_pool, member_weights), strict=True)
    )
    vote_shares: dict[str, dict[VoteGroup, int]] = {p.party_code: {} for p in parties}
    for group, pool in zip(POOL_ORDER, vote_pools, strict=True):
        weights = [_group_votes(groups[group], p.party_code) for p in counted]
        if sum(weights) == 0:
            raise AllocationError(
                f"no counted party has votes in {group.value}",
                f"/vote_groups/{inputs.vote_groups.index(groups[group])}",
            )
        for party, share in zip(counted, largest_remainder(pool, weights), strict=True):
            vote_shares[party.party_code][group] = share
    result = [
        PartyAllocation(
            party_code=p.party_code,
            name=p.name,
            applying=p.applying,
            eligible=eligible[p.party_code],
            member_share=member_shares.get(p.party_code, 0),
            vote_shares={group: vote_shares[p.party_code].get(group, 0) for group in POOL_ORDER},
        )
        for p in parties
    ]
    return total, result


def instalments(annual_amount: int, count: int = 4) -> list[int]:
    return largest_remainder(annual_amount, [1] * count)


def prorate(
    before: dict[str, int], after: dict[str, int], *, effective_month: int, total: int
) -> dict[str, int]:
    """Annual amounts when the basis changes in `effective_month` (months before it use `before`)."""
    months_before = effective_month - 1
    codes = sorted(set(before) | set(after))
    exact = [
        Fraction(before.get(code, 0) * months_before + after.get(code, 0) * (12 - months_before), 12)
        for code in codes
    ]
    if sum(exact) == 0:
        return dict.fromkeys(codes, 0)
    return dict(zip(codes, largest_remainder(total, exact), strict=True))
