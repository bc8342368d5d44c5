"""Urban origins: metropolitan-area prefectures (rules) and designated cities (the code list)."""

from __future__ import annotations

from services.revitalization.eligibility.urban_areas import DESIGNATED, urban_reason
from services.revitalization.local_governments import local_governments


def test_twenty_designated_cities_with_their_wards() -> None:
    kinds = [g.kind for g in local_governments().values() if g.kind in DESIGNATED]
    assert kinds.count("designated_city") == 20
    assert kinds.count("designated_city_ward") == 175


def test_urban_reasons() -> None:
    metro = frozenset({"13"})
    assert "metropolitan" in (
        urban_reason("131016", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert "designated city" in (
        urban_reason("041009", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert "ward" in (
        urban_reason("011011", urban_prefecture_codes=metro, designated_cities_are_urban=True) or ""
    )
    assert urban_reason("041009", urban_prefecture_codes=metro, designated_cities_are_urban=False) is None
    assert urban_reason("032018", urban_prefecture_codes=metro, designated_cities_are_urban=True) is None
