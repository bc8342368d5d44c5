"""Spending lines in, allocation-tax claims out."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.allocation import repository
from services.revitalization.allocation.rules import (
    AllocationRule,
    CategoryRule,
    ClaimantClaim,
    compute_claims,
)
from services.revitalization.programmes import repository as programmes
from shared.contracts.revitalization import (
    AllocationRules,
    ProgrammeYearRules,
    SpendingLineIn,
)
from shared.contracts.revitalization import SpendingLine as SpendingLineModel
from shared.values import is_prefecture_code, utc_now
from shared.web.pagination import PageRequest
from shared.web.problems import UnprocessableContent


def allocation_rule(rules: AllocationRules) -> AllocationRule:
    return AllocationRule(
        categories=tuple(
            CategoryRule(c.name, c.cap_per_person, None if c.rate is None else Fraction(c.rate))
            for c in rules.categories
        ),
        rate=Fraction(rules.rate),
        per_person_cap=rules.per_person_cap,
        prorate_by_month=rules.prorate_by_month,
        fixed_amount_per_person=rules.fixed_amount_per_person,
    )


async def _rules_of_year(session: AsyncSession, fiscal_year: int) -> dict[str, AllocationRules]:
    documents = await programmes.all_year_rules(session, fiscal_year)
    result = {}
    for code, document in documents.items():
        allocation = ProgrammeYearRules.model_validate(document).allocation
        if allocation is not None:
            result[code] = allocation
    return result


async def record_lines(*, session: AsyncSession, lines: list[SpendingLineIn], actor: str) -> list[int]:
    """All lines or none: a line the rules cannot claim refuses the batch, naming the line."""
    cache: dict[int, dict[str, AllocationRules]] = {}
    for index, line in enumerate(lines):
        if line.fiscal_year not in cache:
            cache[line.fiscal_year] = await _rules_of_year(session, line.fiscal_year)
        rules = cache[line.fiscal_year].get(line.programme_code)
        where = f"Line {index}: "
        if rules is None:
            raise UnprocessableContent(
                where + f"programme {line.programme_code} has no allocation rules for fiscal year "
                f"{line.fiscal_year}.",
                slug="not-claimable",
                line=index,
            )
        if line.category not in {c.name for c in rules.categories}:
            raise UnprocessableContent(
                where + f"{line.category} is not a claimable category of {line.programme_code} "
                f"(claimable: {', '.join(c.name for c in rules.categories)}).",
                slug="unknown-category",
                line=index,
            )
        if (rules.claimant == "prefecture") != is_prefecture_code(line.claimant_code):
            raise UnprocessableContent(
                where + f"{line.programme_code} is claimed by a {rules.claimant}, and {line.claimant_code} "
                "is not one.",
                slug="wrong-claimant",
                line=index,
            )
    return await repository.insert_lines(
        session, [line.model_dump() for line in lines], actor=actor, at=utc_now()
    )


async def list_lines(
    *, session: AsyncSession, page: PageRequest, fiscal_year: int, claimant_code: str | None
) -> tuple[list[SpendingLineModel], str | None]:
    rows, token = await repository.page_lines(
        session, page, fiscal_year=fiscal_year, claimant_code=claimant_code
    )
    return [SpendingLineModel.model_validate(row, from_attributes=True) for row in rows], token


def _claim_document(claim: ClaimantClaim, fiscal_year: int) -> dict[str, Any]:
    """A claim in the shape of the `Claim` model, built as plain JSON-ready dicts: a year's claims hold
    tens of thousands of amounts, computed here and validated by nothing a model would add."""
    return {
        "claimant_code": claim.claimant_code,
        "fiscal_year": fiscal_year,
        "programmes": [
            {
                "programme_code": p.programme_code,
                "persons": [
                    {
                        "person_ref": person.person_ref,
                        "months": person.months,
                        "person_cap": person.person_cap,
                        "categories": [
                            {
                                "category": c.category,
                                "spent": c.spent,
                                "cap": c.cap,
                                "counted": c.counted,
                                "rate": str(c.rate),
                                "claimed": c.claimed,
                                "line_ids": c.line_ids,
                                "explanation": c.note,
                            }
                            for c in person.categories
                        ],
                        "special_amount": person.special_amount,
                        "ordinary_amount": person.ordinary_amount,
                    }
                    for person in p.persons
                ],
                "special_amount": p.special_amount,
                "ordinary_amount": p.ordinary_amount,
            }
            for p in claim.programmes
        ],
        "special_amount": claim.special_amount,
        "ordinary_amount": claim.ordinary_amount,
    }


async def list_claims(
    *, session: AsyncSession, page: PageRequest, fiscal_year: int, claimant_code: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Claims as `Claim`-shaped documents (see `_claim_document`)."""
    claimants, token = await repository.page_claimants(
        session, page, fiscal_year=fiscal_year, claimant_code=claimant_code
    )
    if not claimants:
        return [], token
    rules = {code: allocation_rule(r) for code, r in (await _rules_of_year(session, fiscal_year)).items()}
    spending = await repository.spending_of(
        session, fiscal_year=fiscal_year, claimants=(claimants[0], claimants[-1]), programme_codes=list(rules)
    )
    return [_claim_document(claim, fiscal_year) for claim in compute_claims(spending, rules)], token
