"""Who may be in which framework, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from services.revitalization.cooperation.measures import all_measures, measures_for
from services.revitalization.cooperation.rules import (
    Membership,
    composition_refusal,
    is_prefecture,
    member_refusal,
)
from shared.contracts.revitalization import FrameworkKind as K
from shared.contracts.revitalization import MemberRole as R
from shared.values import is_valid_local_government_code

DAY = date(2024, 4, 1)


def m(code: str, role: R, joined: date = date(2020, 4, 1), left: date | None = None) -> Membership:
    return Membership(code, role, joined, left)


def test_membership_runs_to_an_exclusive_end() -> None:
    member = m("033014", R.PARTNER, date(2020, 4, 1), date(2025, 4, 1))
    assert member.in_force(date(2020, 4, 1))
    assert member.in_force(date(2025, 3, 31))
    assert not member.in_force(date(2025, 4, 1))
    assert not member.in_force(date(2020, 3, 31))


@pytest.mark.parametrize(
    ("kind", "members", "refused"),
    [
        (K.SETTLEMENT_REGION, [m("032018", R.CENTRAL_CITY), m("033014", R.PARTNER)], False),
        (K.SETTLEMENT_REGION, [m("032018", R.CENTRAL_CITY)], True),
        (
            K.CORE_URBAN_AREA,
            [m("032018", R.CENTRAL_CITY), m("032166", R.CENTRAL_CITY), m("033014", R.PARTNER)],
            True,
        ),
        # The second central city left before the day: one central city that day.
        (
            K.CORE_URBAN_AREA,
            [m("032018", R.CENTRAL_CITY), m("032166", R.CENTRAL_CITY, left=DAY), m("033014", R.PARTNER)],
            False,
        ),
        (K.WIDE_AREA_UNION, [m("032018", R.MEMBER)], True),
        (K.WIDE_AREA_UNION, [m("032018", R.MEMBER), m("030007", R.MEMBER)], False),
        (K.REGIONAL_MANAGEMENT_ORGANIZATION, [m("033022", R.HOST)], False),
        (K.COMMUNITY_NETWORK_ZONE, [m("033022", R.HOST), m("033031", R.HOST)], True),
        (K.PARTIAL_AFFAIRS_ASSOCIATION, [m("032018", R.MEMBER), m("032018", R.MEMBER)], True),
    ],
)
def test_composition(kind: K, members: list[Membership], refused: bool) -> None:
    assert (composition_refusal(kind, members, DAY) is not None) is refused


def test_roles_and_prefectures() -> None:
    assert is_prefecture("030007")
    assert is_valid_local_government_code("030007")
    assert not is_prefecture("032018")
    assert member_refusal(K.SETTLEMENT_REGION, "030007", R.PARTNER) is not None
    assert member_refusal(K.WIDE_AREA_UNION, "030007", R.MEMBER) is None
    assert member_refusal(K.SETTLEMENT_REGION, "032018", R.MEMBER) is not None
    assert member_refusal(K.COMMUNITY_NETWORK_ZONE, "033022", R.HOST) is None


def test_measures_are_dated_sourced_and_marked_unverified() -> None:
    assert measures_for(K.CORE_URBAN_AREA, R.PARTNER, 2014) == []
    (partner,) = measures_for(K.CORE_URBAN_AREA, R.PARTNER, 2015)
    assert (partner.annual_amount, partner.amount_basis) == (15_000_000, "cap")
    assert {m.id for m in measures_for(K.CORE_URBAN_AREA, R.CENTRAL_CITY, 2024)} == {
        "core-central-ordinary",
        "core-central-special",
        "core-external-experts",
    }
    for measure in all_measures():
        assert measure.source_url.startswith("https://")
        assert measure.verified is False  # every figure so far is from a secondary source
        assert (measure.annual_amount is None) == (measure.amount_basis in ("formula", "unknown"))
