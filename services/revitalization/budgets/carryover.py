"""Carry-over (繰越) of an unspent award into the next fiscal year, and which budget year pays what: pure.

An award of fiscal year N has an approved amount A of which D has been paid. A carry-over moves an unspent
U <= A - D into year N + 1: year N's budget commits U less and counts it as carried out (so year N cannot
commit it again), year N + 1's budget commits U more and counts it as carried in (so its own appropriation
is untouched). Every yen is available in exactly one year. Only the next year (地方自治法 art. 213:
繰越明許費 "翌年度に繰り越して使用することができる"; the 事故繰越 of art. 220 par. 3 likewise); one
carry-over per award; it is decided within the award's own fiscal year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from shared.values import fiscal_year_of


class Refusal(NamedTuple):
    """Why a rule refuses: the problem type's slug and the detail for the caller."""

    slug: str
    detail: str


@dataclass(frozen=True, slots=True)
class AwardMoney:
    fiscal_year: int
    approved: int
    disbursed: int
    carried_amount: int
    carried_fiscal_year: int | None
    carried_disbursed: int

    @property
    def unspent_in_award_year(self) -> int:
        """What the award's own year may still pay: its share of the award less what it paid."""
        return (self.approved - self.carried_amount) - (self.disbursed - self.carried_disbursed)


def carry_over_refusal(award: AwardMoney, amount: int, decided_on: date) -> Refusal | None:
    """(problem slug, detail) when the carry-over breaks a rule, None when it may go ahead."""
    if award.carried_amount:
        return Refusal(
            slug="already-carried-over",
            detail=(
                f"¥{award.carried_amount:,} of this award was already carried over into fiscal year "
                f"{award.carried_fiscal_year}; an award is carried over once."
            ),
        )
    if fiscal_year_of(decided_on) != award.fiscal_year:
        return Refusal(
            slug="carry-over-outside-award-year",
            detail=(
                f"A carry-over is decided within the award's fiscal year {award.fiscal_year}; "
                f"{decided_on.isoformat()} is in fiscal year {fiscal_year_of(decided_on)}."
            ),
        )
    if amount > award.unspent_in_award_year:
        return Refusal(
            slug="above-unspent",
            detail=(
                f"¥{amount:,} is more than the award's unspent ¥{award.unspent_in_award_year:,} "
                f"(approved ¥{award.approved:,}, paid ¥{award.disbursed:,})."
            ),
        )
    return None


def paying_year(award: AwardMoney, requested: int | None) -> int | None:
    """The budget year a payment is charged to (the award's by default), or None for a year that is
    neither the award's nor the one it was carried into."""
    year = award.fiscal_year if requested is None else requested
    if year == award.fiscal_year or (award.carried_amount and year == award.carried_fiscal_year):
        return year
    return None
