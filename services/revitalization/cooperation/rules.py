"""Who may be in a cooperation framework, and in which role: pure rules, no I/O.

- 定住自立圏 and 連携中枢都市圏: one central city and partner municipalities, each under its own agreement
  with the central city (定住自立圏構想推進要綱; 地方自治法 art. 252-2 for the 連携協約).
- 広域連合 and 一部事務組合: constituent bodies, municipalities or prefectures, at least two (art. 284).
- 地域運営組織 and 小さな拠点: inside one municipality, its host.
A membership runs from `joined_on` to `left_on` (exclusive), the registry's convention for codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from shared.contracts.revitalization import FrameworkKind, MemberRole

K, R = FrameworkKind, MemberRole
ROLES: Final = {
    K.SETTLEMENT_REGION: frozenset({R.CENTRAL_CITY, R.PARTNER}),
    K.CORE_URBAN_AREA: frozenset({R.CENTRAL_CITY, R.PARTNER}),
    K.WIDE_AREA_UNION: frozenset({R.MEMBER}),
    K.PARTIAL_AFFAIRS_ASSOCIATION: frozenset({R.MEMBER}),
    K.REGIONAL_MANAGEMENT_ORGANIZATION: frozenset({R.HOST}),
    K.COMMUNITY_NETWORK_ZONE: frozenset({R.HOST}),
}
PREFECTURES_MAY_JOIN: Final = frozenset({K.WIDE_AREA_UNION, K.PARTIAL_AFFAIRS_ASSOCIATION})


@dataclass(frozen=True, slots=True)
class Membership:
    municipality_code: str
    role: MemberRole
    joined_on: date
    left_on: date | None = None

    def in_force(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or on < self.left_on)


def prefecture_of(code: str) -> str:
    return code[:2]


def is_prefecture(code: str) -> bool:
    """A prefecture's own code: its municipality part is 000 (`130001` Tokyo)."""
    return code[2:5] == "000"


def member_refusal(kind: FrameworkKind, code: str, role: MemberRole) -> str | None:
    """Why this body cannot hold this role in this kind of framework, or None."""
    if role not in ROLES[kind]:
        allowed = ", ".join(sorted(r.value for r in ROLES[kind]))
        return f"A {kind.value} has members in the roles {allowed}, not {role.value}."
    if is_prefecture(code) and kind not in PREFECTURES_MAY_JOIN:
        return f"{code} is a prefecture; only unions and partial-affairs associations have prefectures."
    return None


def composition_refusal(kind: FrameworkKind, members: Sequence[Membership], on: date) -> str | None:
    """Why the members in force on `on` do not make this kind of framework, or None."""
    current = [m for m in members if m.in_force(on)]
    codes = Counter(m.municipality_code for m in current)
    twice = sorted(code for code, count in codes.items() if count > 1)
    if twice:
        return f"{', '.join(twice)} would be a member twice on {on.isoformat()}."
    roles = Counter(m.role for m in current)
    if kind in (K.SETTLEMENT_REGION, K.CORE_URBAN_AREA):
        if roles[R.CENTRAL_CITY] != 1:
            count = roles[R.CENTRAL_CITY]
            return f"A {kind.value} has exactly one central city; on {on.isoformat()} it would have {count}."
        if roles[R.PARTNER] < 1:
            return f"A {kind.value} has at least one partner municipality under an agreement."
    elif kind in PREFECTURES_MAY_JOIN:
        if roles[R.MEMBER] < 2:
            return f"A {kind.value} is formed by at least two local public bodies."
    elif roles[R.HOST] != 1:
        return f"A {kind.value} lies in exactly one municipality, its host."
    return None
