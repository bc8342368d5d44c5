"""Allocation-tax measures tied to cooperation frameworks, as dated rule data with their sources
(`data/framework_allocation_tax.json`): which measures a member in a role may receive in a fiscal year."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast, get_args

from shared.contracts.revitalization import FrameworkKind, MemberRole

Tax = Literal["special", "ordinary"]
AmountBasis = Literal["about", "cap", "formula", "unknown"]
DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "framework_allocation_tax.json"


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    kind: FrameworkKind
    role: MemberRole
    tax: Tax
    names: dict[str, str]
    from_fiscal_year: int
    annual_amount: int | None
    amount_basis: AmountBasis
    verified: bool
    source_title: str
    source_url: str
    note: str


def _one_of(value: str, allowed: Any) -> str:
    if value not in get_args(allowed):
        raise ValueError(f"{value!r} is not one of {get_args(allowed)} in {DATA_FILE.name}")
    return value


def _measure(entry: dict[str, Any]) -> Measure:
    return Measure(
        id=entry["id"],
        kind=FrameworkKind(entry["kind"]),
        role=MemberRole(entry["role"]),
        tax=cast(Tax, _one_of(entry["tax"], Tax)),
        names=entry["name"],
        from_fiscal_year=entry["from_fiscal_year"],
        annual_amount=entry["annual_amount"],
        amount_basis=cast(AmountBasis, _one_of(entry["amount_basis"], AmountBasis)),
        verified=entry["verified"],
        source_title=entry["source_title"],
        source_url=entry["source_url"],
        note=entry["note"],
    )


@cache
def all_measures() -> tuple[Measure, ...]:
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(_measure(entry) for entry in document["measures"])


def measures_for(kind: FrameworkKind, role: MemberRole, fiscal_year: int) -> list[Measure]:
    """The measures in effect for the year: per measure id, the latest entry taking effect by then."""
    latest: dict[str, Measure] = {}
    for measure in all_measures():
        if measure.kind is kind and measure.role is role and measure.from_fiscal_year <= fiscal_year:
            current = latest.get(measure.id)
            if current is None or current.from_fiscal_year < measure.from_fiscal_year:
                latest[measure.id] = measure
    return list(latest.values())
