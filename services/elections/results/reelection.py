"""When a shortfall of winners needs a re-election (再選挙, 公職選挙法 art. 109, 110). Pure.

Rule data, one row per kind of contest: a shortfall needs a re-election when it exceeds the given
fraction of the contest's seats (exact comparison); `None` means any shortfall does. Sources are
recorded per row; `verified` says whether the text was read from the statute or a commentary on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shared.contracts.elections.common import ContestKind


@dataclass(frozen=True, slots=True)
class ReElectionRule:
    exceeds: Fraction | None
    """Re-run when unfilled seats > `exceeds` × seats; None: whenever any seat is unfilled."""
    article: str
    verified: bool


_ANY_SHORTFALL = ReElectionRule(None, "公職選挙法 art. 109 para. 1 item 1", verified=True)
_ONE_SIXTH = ReElectionRule(Fraction(1, 6), "公職選挙法 art. 110 para. 1", verified=True)
_ONE_QUARTER = ReElectionRule(Fraction(1, 4), "公職選挙法 art. 110 para. 1", verified=False)

RULES: dict[ContestKind, ReElectionRule] = {
    ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT: _ANY_SHORTFALL,
    ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT: _ANY_SHORTFALL,
    ContestKind.GOVERNOR: _ANY_SHORTFALL,
    ContestKind.MAYOR: _ANY_SHORTFALL,
    # Local assemblies re-run only when the shortfall exceeds a sixth of the district's seats:
    # 25 winners for 26 seats is no re-election (a 1-seat district's 1 seat always exceeds it).
    ContestKind.PREFECTURAL_ASSEMBLY: _ONE_SIXTH,
    ContestKind.MUNICIPAL_ASSEMBLY: _ONE_SIXTH,
    # Proportional lists: a shortfall beyond a quarter of the seats (text read only in a commentary; a
    # second commentary, kami-kosyokusenkyoho 2021 on art. 110, says the same; the statute not read).
    ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL: _ONE_QUARTER,
    ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL: _ONE_QUARTER,
}


@dataclass(frozen=True, slots=True)
class ReElection:
    required: bool
    reason: str | None


def re_election(kind: ContestKind, seats: int, unfilled: int) -> ReElection:
    """Whether `unfilled` of `seats` seats left without a winner need a re-election, and why."""
    if unfilled <= 0:
        return ReElection(False, None)
    rule = RULES[kind]
    if rule.exceeds is None:
        return ReElection(True, f"{unfilled} of {seats} seats have no winner ({rule.article})")
    line = rule.exceeds * seats
    shown = f"{line.numerator}/{line.denominator}" if line.denominator != 1 else str(line)
    if unfilled > line:
        return ReElection(True, f"{unfilled} unfilled seats exceed {shown} of {seats} ({rule.article})")
    return ReElection(
        False, f"{unfilled} unfilled seats do not exceed {shown} of {seats}: no re-election ({rule.article})"
    )
