"""The statutory spending cap of a candidacy (法定選挙運動費用), as dated rule data. Pure.

Public Offices Election Act art. 194 par. 1: the cap is the per-voter amount (人数割額) × the
registered voters of the district (÷ the seats, in assembly and House of Councillors district
races) + the fixed amount (固定額), both set per kind of election by the Cabinet order
(公職選挙法施行令 art. 127); par. 2: a fraction of ¥100 is rounded up to ¥100. The division
is exact (no rounding of voters per seat): Nobeoka city's example, 108,100 ÷ 29 × 501 +
2,200,000 = 4,067,520.7 → 4,067,600.

Sources of the figures (public pages, read 2026-12; facts only, no text copied):
- Saga prefecture election commission, HR district caps of 2014-12-14 (15 円, 19,100,000 円;
  327,815 voters → 24,017,300 円), https://www.pref.saga.lg.jp/kiji00326905/index.html
- Nobeoka city election commission, a table of every kind with the worked example above,
  https://www.city.nobeoka.miyazaki.jp/soshiki/79/2729.html
- a municipal election handbook (法定選挙費用 table, local kinds and HR), via
  https://123deta.com/ (it gives 15 円 for the House of Councillors district, which the two
  2022 reports below contradict)
- Sanyo Shimbun 2022 (Okayama HC district: 13 円, 23,700,000 円) and TBS 2022 (Nagano HC
  district: 1,696,582 voters, one seat up → 45,755,600 円)
A figure found in one source only is `verified = False`; so is the special wards' use of the
figures of cities other than designated cities (our reading of the order, not found stated).
The date each figure took effect is not verified either: every entry applies from
`EFFECTIVE_FROM`, the earliest election date a source attests, and to earlier elections too.
A revision of the order is a new entry with its date, never an edit of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from math import ceil
from typing import Final

from shared.contracts.campaign_finance import CampaignOffice
from shared.contracts.elections.common import ContestKind

ARTICLE: Final = "公職選挙法 第194条, 公職選挙法施行令 第127条"
EFFECTIVE_FROM: Final = date(2014, 12, 14)
ROUND_TO: Final = 100
UNVERIFIED_DATES: Final = (
    "the dates the art. 127 figures took effect; they are applied to every election date"
)


@dataclass(frozen=True, slots=True)
class CapRule:
    office: CampaignOffice
    effective_from: date
    per_voter_yen: int
    fixed_yen: int
    per_seat: bool
    verified: bool
    article: str = ARTICLE


def _rule(
    office: CampaignOffice, per_voter: int, fixed: int, *, per_seat: bool, verified: bool = True
) -> CapRule:
    return CapRule(office, EFFECTIVE_FROM, per_voter, fixed, per_seat, verified)


Office = CampaignOffice
CAP_RULES: Final[tuple[CapRule, ...]] = (
    _rule(Office.house_of_representatives_district, 15, 19_100_000, per_seat=False),
    _rule(Office.house_of_councillors_district, 13, 23_700_000, per_seat=True),
    _rule(Office.house_of_councillors_national, 0, 52_000_000, per_seat=False),
    _rule(Office.governor, 7, 24_200_000, per_seat=False),
    _rule(Office.prefectural_assembly, 83, 3_900_000, per_seat=True),
    _rule(Office.designated_city_mayor, 7, 14_500_000, per_seat=False, verified=False),
    _rule(Office.designated_city_assembly, 149, 3_700_000, per_seat=True, verified=False),
    _rule(Office.city_mayor, 81, 3_100_000, per_seat=False),
    _rule(Office.city_assembly, 501, 2_200_000, per_seat=True),
    _rule(Office.special_ward_mayor, 81, 3_100_000, per_seat=False, verified=False),
    _rule(Office.special_ward_assembly, 501, 2_200_000, per_seat=True, verified=False),
    _rule(Office.town_village_mayor, 110, 1_300_000, per_seat=False),
    _rule(Office.town_village_assembly, 1_120, 900_000, per_seat=True),
)
"""Every period's figures per kind of election, oldest first within a kind."""


class NoCapError(ValueError):
    """No cap applies to the contest, or its kind of election cannot be told."""


class NoReportError(NoCapError):
    """Candidates of this contest file no campaign report at all."""


class UnknownOfficeError(NoCapError):
    """The district's municipality is not one the Cabinet order sets figures for."""


_BY_CONTEST: Final = {
    ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT: Office.house_of_representatives_district,
    ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT: Office.house_of_councillors_district,
    ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL: Office.house_of_councillors_national,
    ContestKind.GOVERNOR: Office.governor,
    ContestKind.PREFECTURAL_ASSEMBLY: Office.prefectural_assembly,
}
# Municipal races by the kind of municipality in the code list (designated cities' wards belong
# to their city); a plain municipality is a city, a town or a village by the end of its name.
_MUNICIPAL: Final = {
    "designated_city": (Office.designated_city_mayor, Office.designated_city_assembly),
    "designated_city_ward": (Office.designated_city_mayor, Office.designated_city_assembly),
    "special_ward": (Office.special_ward_mayor, Office.special_ward_assembly),
    "市": (Office.city_mayor, Office.city_assembly),
    "町": (Office.town_village_mayor, Office.town_village_assembly),
    "村": (Office.town_village_mayor, Office.town_village_assembly),
}


def office_of(
    kind: ContestKind, municipality_kind: str | None, municipality_name: str | None
) -> CampaignOffice:
    """The kind of election of a contest; for a mayor or municipal assembly, by its municipality."""
    if kind is ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL:
        raise NoReportError(
            "House of Representatives proportional candidates file no campaign report (art. 179-2)."
        )
    if kind in _BY_CONTEST:
        return _BY_CONTEST[kind]
    key = municipality_kind
    if municipality_kind == "municipality" and municipality_name:
        key = municipality_name[-1]
    pair = _MUNICIPAL.get(key or "")
    if pair is None:
        raise UnknownOfficeError(
            f"The district's municipality ({municipality_name or 'unknown'}) is not a city, town, village "
            "or special ward of the code list: no spending cap can be set."
        )
    return pair[0] if kind is ContestKind.MAYOR else pair[1]


def rule_on(office: CampaignOffice, day: date, *, table: Sequence[CapRule] = CAP_RULES) -> CapRule:
    """The figures in force on `day` (the earliest period's before it began)."""
    rules = [rule for rule in table if rule.office is office]
    current = rules[0]
    for rule in rules:
        if rule.effective_from <= day:
            current = rule
    return current


def cap_amount(rule: CapRule, *, registered_voters: int, seats: int) -> int:
    """per-voter × voters (÷ seats) + fixed, any fraction of ¥100 rounded up to ¥100 (art. 194 par. 2)."""
    if seats < 1 or registered_voters < 0:
        raise ValueError("seats must be at least 1 and voters not negative")
    voters = Fraction(registered_voters, seats) if rule.per_seat else Fraction(registered_voters)
    exact = rule.per_voter_yen * voters + rule.fixed_yen
    return ceil(exact / ROUND_TO) * ROUND_TO
