"""The statutory spending cap (art. 194, Cabinet order art. 127), against published figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.funds.campaigns.caps import (
    CAP_RULES,
    NoReportError,
    UnknownOfficeError,
    cap_amount,
    office_of,
    rule_on,
)
from shared.contracts.campaign_finance import CampaignOffice
from shared.contracts.elections.common import ContestKind

Office = CampaignOffice
DAY = date(2026, 10, 25)


def cap(office: CampaignOffice, voters: int, seats: int = 1) -> int:
    return cap_amount(rule_on(office, DAY), registered_voters=voters, seats=seats)


def test_hr_district_matches_saga_2014() -> None:
    # 327,815 × 15 + 19,100,000 = 24,017,225 → rounded up to ¥100.
    assert cap(Office.house_of_representatives_district, 327_815) == 24_017_300
    assert cap(Office.house_of_representatives_district, 354_390) == 24_415_900


def test_hc_district_divides_by_the_seats_up() -> None:
    # Nagano 2022, one seat up: 1,696,582 × 13 + 23,700,000 = 45,755,566 → 45,755,600.
    assert cap(Office.house_of_councillors_district, 1_696_582, seats=1) == 45_755_600
    # Two seats up: the voters are halved before the per-voter amount (hand-computed).
    assert cap(Office.house_of_councillors_district, 1_000_000, seats=2) == 500_000 * 13 + 23_700_000


def test_city_races_match_nobeoka_example() -> None:
    assert cap(Office.city_mayor, 108_100) == 11_856_100
    # 108,100 ÷ 29 × 501 + 2,200,000 = 4,067,520.69: the division is exact, then up to ¥100.
    assert cap(Office.city_assembly, 108_100, seats=29) == 4_067_600


def test_an_exact_hundred_is_not_rounded() -> None:
    # 20,000 × 110 + 1,300,000 = 3,500,000 exactly.
    assert cap(Office.town_village_mayor, 20_000) == 3_500_000
    # 9,001 ÷ 12 × 1,120 + 900,000 = 1,740,093.3 → 1,740,100.
    assert cap(Office.town_village_assembly, 9_001, seats=12) == 1_740_100


def test_house_of_councillors_national_is_a_fixed_amount() -> None:
    assert cap(Office.house_of_councillors_national, 100_000_000) == 52_000_000


@pytest.mark.parametrize("seats", [0, -1])
def test_no_seats_is_refused(seats: int) -> None:
    with pytest.raises(ValueError, match="seats must be at least 1"):
        cap(Office.city_assembly, 1000, seats=seats)


def test_every_office_has_figures_that_cite_the_article() -> None:
    for office in CampaignOffice:
        rule = rule_on(office, DAY)
        assert "第194条" in rule.article
        assert "第127条" in rule.article
        assert rule.fixed_yen > 0


def test_figures_from_one_source_only_are_unverified() -> None:
    unverified = {rule.office for rule in CAP_RULES if not rule.verified}
    assert unverified == {
        Office.designated_city_mayor,
        Office.designated_city_assembly,
        Office.special_ward_mayor,
        Office.special_ward_assembly,
    }


def test_a_revision_applies_from_its_date() -> None:
    old = rule_on(Office.city_mayor, DAY)
    table = (*CAP_RULES, replace(old, effective_from=date(2030, 1, 1), fixed_yen=4_000_000))
    assert rule_on(Office.city_mayor, date(2029, 12, 31), table=table).fixed_yen == 3_100_000
    assert rule_on(Office.city_mayor, date(2030, 1, 1), table=table).fixed_yen == 4_000_000


@pytest.mark.parametrize(
    ("kind", "municipality_kind", "name", "office"),
    [
        (
            ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT,
            "prefecture",
            "",
            Office.house_of_representatives_district,
        ),
        (ContestKind.GOVERNOR, "prefecture", "", Office.governor),
        (ContestKind.PREFECTURAL_ASSEMBLY, "municipality", "延岡市", Office.prefectural_assembly),
        (ContestKind.MAYOR, "municipality", "延岡市", Office.city_mayor),
        (ContestKind.MUNICIPAL_ASSEMBLY, "municipality", "延岡市", Office.city_assembly),
        (ContestKind.MAYOR, "municipality", "高千穂町", Office.town_village_mayor),
        (ContestKind.MUNICIPAL_ASSEMBLY, "municipality", "西米良村", Office.town_village_assembly),
        (ContestKind.MAYOR, "designated_city", "札幌市", Office.designated_city_mayor),
        (
            ContestKind.MUNICIPAL_ASSEMBLY,
            "designated_city_ward",
            "札幌市中央区",
            Office.designated_city_assembly,
        ),
        (ContestKind.MUNICIPAL_ASSEMBLY, "special_ward", "千代田区", Office.special_ward_assembly),
    ],
)
def test_office_of_a_contest(
    kind: ContestKind, municipality_kind: str, name: str, office: CampaignOffice
) -> None:
    assert office_of(kind, municipality_kind, name) is office


def test_hr_proportional_files_no_campaign_report() -> None:
    with pytest.raises(NoReportError, match=r"art\. 179-2"):
        office_of(ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, None, None)


@pytest.mark.parametrize(
    ("municipality_kind", "name"), [(None, None), ("prefecture", ""), ("municipality", "")]
)
def test_a_mayor_outside_any_municipality_has_no_cap(municipality_kind: str | None, name: str | None) -> None:
    with pytest.raises(UnknownOfficeError, match="no spending cap"):
        office_of(ContestKind.MAYOR, municipality_kind, name)
