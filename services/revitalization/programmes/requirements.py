"""Which fiscal-year rule sections each programme family needs before it can take applications."""

from __future__ import annotations

from typing import Final

from shared.contracts.revitalization import ProgrammeKind, ProgrammeYearRules

REQUIRED_SECTIONS: Final[dict[ProgrammeKind, tuple[str, ...]]] = {
    ProgrammeKind.COOPERATOR: ("term", "residence", "grant_cap"),
    ProgrammeKind.ENTREPRENEUR: ("term", "grant_cap"),
    ProgrammeKind.LOCAL10000: ("loan_tiers", "national_share"),
    ProgrammeKind.COMMUNITY_COOPERATIVE: ("grant_cap",),
    ProgrammeKind.DIGITAL_STAFF: ("allocation",),
    ProgrammeKind.GENERIC: (),
}


def missing_sections(kind: ProgrammeKind, rules: ProgrammeYearRules) -> list[str]:
    """Rule sections the programme's family needs that these rules leave out."""
    problems = [name for name in REQUIRED_SECTIONS[kind] if getattr(rules, name) is None]
    allocation = rules.allocation
    if kind is ProgrammeKind.DIGITAL_STAFF and allocation is not None and allocation.claimant != "prefecture":
        problems.append("allocation.claimant=prefecture")
    return problems
