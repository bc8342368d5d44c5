"""Re-election after a shortfall (art. 109, 110): any shortfall in Diet districts and executive races;
in local assemblies only beyond one sixth of the district's seats."""

from __future__ import annotations

import pytest

from services.elections.results.reelection import RULES, re_election
from shared.contracts.elections.common import ContestKind as K


@pytest.mark.parametrize(
    ("kind", "seats", "unfilled", "required"),
    [
        (K.MUNICIPAL_ASSEMBLY, 26, 1, False),  # 25 winners for 26 seats
        (K.MUNICIPAL_ASSEMBLY, 26, 4, False),  # 4 <= 26/6 = 4.33
        (K.MUNICIPAL_ASSEMBLY, 26, 5, True),
        (K.MUNICIPAL_ASSEMBLY, 12, 2, False),  # exactly a sixth does not exceed it
        (K.MUNICIPAL_ASSEMBLY, 12, 3, True),
        (K.PREFECTURAL_ASSEMBLY, 1, 1, True),  # a one-seat district
        (K.PREFECTURAL_ASSEMBLY, 6, 1, False),
        (K.PREFECTURAL_ASSEMBLY, 6, 2, True),
        (K.HOUSE_OF_REPRESENTATIVES_DISTRICT, 1, 1, True),
        (K.HOUSE_OF_COUNCILLORS_DISTRICT, 4, 1, True),
        (K.MAYOR, 1, 1, True),
        (K.GOVERNOR, 1, 0, False),
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, 8, 2, False),
        (K.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL, 8, 3, True),
    ],
)
def test_boundaries(kind: K, seats: int, unfilled: int, required: bool) -> None:
    decided = re_election(kind, seats, unfilled)
    assert decided.required is required
    assert (decided.reason is None) is (unfilled == 0)


def test_every_kind_has_a_rule_with_its_article() -> None:
    assert set(RULES) == set(K)
    assert all(rule.article.startswith("公職選挙法 art. 1") for rule in RULES.values())
