"""The allocation-tax amount a municipality (or prefecture) may claim for a fiscal year.

Per person and category the spending counts up to the category's cap; the person's total counts
up to the programme's per-person cap, granting the allowance to categories in the order the rules
list them; each counted amount is reimbursed at its rate (the category's, else the programme's),
truncated to the yen. Caps are prorated by months served when the rules say so. A fixed amount
per person (the ordinary allocation tax for digital-skill staff) is reported apart. Every amount
keeps the ids of the spending lines that produced it; the per-line sums come from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class CategoryRule:
    name: str
    cap_per_person: int | None = None
    rate: Fraction | None = None


@dataclass(frozen=True, slots=True)
class AllocationRule:
    categories: tuple[CategoryRule, ...]
    rate: Fraction = Fraction(1)
    per_person_cap: int | None = None
    prorate_by_month: bool = False
    fixed_amount_per_person: int | None = None

    def category(self, name: str) -> CategoryRule | None:
        return next((c for c in self.categories if c.name == name), None)


@dataclass(frozen=True, slots=True)
class CategorySpending:
    """What one person spent in one category: the sum of their spending lines (the database adds them
    up), with the lines' ids and the most months any of them served."""

    claimant_code: str
    programme_code: str
    person_ref: str
    category: str
    spent: int
    months: int
    line_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CategoryAmount:
    category: str
    spent: int
    cap: int | None
    counted: int
    rate: Fraction
    claimed: int
    line_ids: tuple[int, ...]
    note: str


@dataclass(frozen=True, slots=True)
class PersonClaim:
    person_ref: str
    months: int
    person_cap: int | None
    categories: tuple[CategoryAmount, ...]
    special_amount: int
    ordinary_amount: int


@dataclass(frozen=True, slots=True)
class ProgrammeClaim:
    programme_code: str
    persons: tuple[PersonClaim, ...]
    special_amount: int
    ordinary_amount: int


@dataclass(frozen=True, slots=True)
class ClaimantClaim:
    claimant_code: str
    programmes: tuple[ProgrammeClaim, ...]
    special_amount: int
    ordinary_amount: int


def _prorated(amount: int | None, months: int, rule: AllocationRule) -> int | None:
    if amount is None or not rule.prorate_by_month:
        return amount
    return amount * months // 12


def _person_claim(person_ref: str, spending: Sequence[CategorySpending], rule: AllocationRule) -> PersonClaim:
    months = max(item.months for item in spending)
    person_cap = _prorated(rule.per_person_cap, months, rule)
    remaining = person_cap
    by_category = {item.category: item for item in spending}
    order = [c.name for c in rule.categories] + sorted(set(by_category) - {c.name for c in rule.categories})
    amounts = []
    for name in order:
        if name not in by_category:
            continue
        spent, ids = by_category[name].spent, by_category[name].line_ids
        category = rule.category(name)
        if category is None:
            amounts.append(
                CategoryAmount(name, spent, 0, 0, Fraction(0), 0, ids, "not a claimable category this year")
            )
            continue
        cap = _prorated(category.cap_per_person, months, rule)
        counted = spent if cap is None else min(spent, cap)
        notes = [f"spent ¥{spent:,}"]
        if cap is not None:
            notes.append(
                f"category cap ¥{cap:,}" + (f" ({months}/12 of the year)" if rule.prorate_by_month else "")
            )
        if remaining is not None:
            if counted > remaining:
                notes.append(f"per-person cap leaves ¥{remaining:,}")
            counted = min(counted, remaining)
            remaining -= counted
        rate = category.rate if category.rate is not None else rule.rate
        claimed = counted * rate.numerator // rate.denominator
        notes.append(f"counted ¥{counted:,} × {rate} = ¥{claimed:,}")
        amounts.append(CategoryAmount(name, spent, cap, counted, rate, claimed, ids, "; ".join(notes)))
    fixed = _prorated(rule.fixed_amount_per_person, months, rule) or 0
    return PersonClaim(
        person_ref,
        months,
        person_cap,
        tuple(amounts),
        sum(a.claimed for a in amounts),
        fixed,
    )


def compute_claims(
    spending: Iterable[CategorySpending], rules: Mapping[str, AllocationRule]
) -> list[ClaimantClaim]:
    """Claims per claimant, programme and person, in code order; programmes without rules are skipped
    by the caller (it refuses lines for them on input). Sorting is linear on input already in order."""
    ordered = sorted(spending, key=attrgetter("claimant_code", "programme_code", "person_ref", "category"))
    claims = []
    for claimant, of_claimant in groupby(ordered, key=attrgetter("claimant_code")):
        programmes = []
        for programme, of_programme in groupby(of_claimant, key=attrgetter("programme_code")):
            rule = rules[programme]
            persons = tuple(
                _person_claim(person, list(of_person), rule)
                for person, of_person in groupby(of_programme, key=attrgetter("person_ref"))
            )
            programmes.append(
                ProgrammeClaim(
                    programme,
                    persons,
                    sum(p.special_amount for p in persons),
                    sum(p.ordinary_amount for p in persons),
                )
            )
        claims.append(
            ClaimantClaim(
                claimant,
                tuple(programmes),
                sum(p.special_amount for p in programmes),
                sum(p.ordinary_amount for p in programmes),
            )
        )
    return claims
