"""Which registered addresses count as urban, the origin a cooperator must have moved from.

The metropolitan-area prefectures are programme data (they are a fiscal-year rule); the designated
cities and their wards come from the national list of local-government codes.
"""

from __future__ import annotations

from services.revitalization.local_governments import local_governments

DESIGNATED = frozenset({"designated_city", "designated_city_ward"})


def urban_reason(
    municipality_code: str, *, urban_prefecture_codes: frozenset[str], designated_cities_are_urban: bool
) -> str | None:
    """Why a municipality is urban, or None when it is not."""
    prefecture = municipality_code[:2]
    if prefecture in urban_prefecture_codes:
        return f"{municipality_code} lies in prefecture {prefecture}, a metropolitan-area prefecture"
    city = local_governments().get(municipality_code)
    if designated_cities_are_urban and city is not None and city.kind in DESIGNATED:
        what = "a ward of a designated city" if city.kind == "designated_city_ward" else "a designated city"
        return f"{municipality_code} ({city.name}) is {what}"
    return None
