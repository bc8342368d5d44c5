from __future__ import annotations

import pytest

from services.revitalization.reviews.rules import conflicts, may_decide, mean_text, rubric_errors, total
from shared.contracts.revitalization_calls import Rubric

RUBRIC = Rubric.model_validate(
    {
        "criteria": [
            {"key": "feasibility", "name": "実現可能性", "weight": 3, "max_score": 5},
            {"key": "impact", "name": "効果", "weight": 2, "max_score": 10},
        ]
    }
)


@pytest.mark.parametrize(
    ("reviewer", "applicant", "expected"),
    [
        (("032018", None), ("032018", None), ["municipality"]),
        ((None, "8400001000001"), ("032018", "8400001000001"), ["organization"]),
        (("032018", "8400001000001"), ("032018", "8400001000001"), ["municipality", "organization"]),
        (("032051", "7400001000002"), ("032018", "8400001000001"), []),
        ((None, None), ("032018", None), []),  # no affiliation: no tie, even to an applicant without one
    ],
)
def test_conflicts(
    reviewer: tuple[str | None, str | None], applicant: tuple[str, str | None], expected: list[str]
) -> None:
    found = conflicts(
        reviewer_municipality=reviewer[0],
        reviewer_organization=reviewer[1],
        applicant_municipality=applicant[0],
        applicant_organization=applicant[1],
    )
    assert found == expected


def test_rubric_points_and_totals_by_hand() -> None:
    assert rubric_errors(RUBRIC, {"feasibility": 5, "impact": 10}) == []
    assert total(RUBRIC, {"feasibility": 5, "impact": 10}) == 35 == RUBRIC.max_total
    assert total(RUBRIC, {"feasibility": 0, "impact": 7}) == 14
    assert rubric_errors(RUBRIC, {"feasibility": 6, "impact": -1, "cost": 2}) == [
        "cost: not a criterion of this call's rubric",
        "feasibility: 6 is outside 0..5",
        "impact: -1 is outside 0..10",
    ]
    assert rubric_errors(RUBRIC, {"impact": 1}) == ["feasibility: missing"]


def test_mean_and_when_to_decide() -> None:
    assert mean_text([18, 19]) == "37/2"
    assert mean_text([20, 20]) == "20"
    assert [may_decide(n) for n in range(4)] == [False, False, True, True]
