"""Fair review, pure: conflicts of interest, rubric scores and their totals, when a decision may be taken."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from shared.contracts.revitalization_calls import Rubric

REQUIRED_SCORES = 2
"""Independent scores an application needs before its decision."""


def conflicts(
    *,
    reviewer_municipality: str | None,
    reviewer_organization: str | None,
    applicant_municipality: str,
    applicant_organization: str | None,
) -> list[str]:
    """What ties a reviewer to an applicant: its own municipality, its own organization."""
    found = []
    if reviewer_municipality is not None and reviewer_municipality == applicant_municipality:
        found.append("municipality")
    if reviewer_organization is not None and reviewer_organization == applicant_organization:
        found.append("organization")
    return found


def rubric_errors(rubric: Rubric, points: dict[str, int]) -> list[str]:
    """Every way `points` fails the rubric: a criterion missing, unknown, or out of 0..max_score."""
    errors = []
    known = {criterion.key: criterion for criterion in rubric.criteria}
    errors += [f"{key}: not a criterion of this call's rubric" for key in sorted(set(points) - set(known))]
    for key, criterion in known.items():
        if key not in points:
            errors.append(f"{key}: missing")
        elif not 0 <= points[key] <= criterion.max_score:
            errors.append(f"{key}: {points[key]} is outside 0..{criterion.max_score}")
    return errors


def total(rubric: Rubric, points: dict[str, int]) -> int:
    """Σ weight × points over the rubric's criteria (the points already checked)."""
    return sum(criterion.weight * points[criterion.key] for criterion in rubric.criteria)


def mean_text(totals: Sequence[int]) -> str:
    """The exact mean, '7' or '15/2'."""
    return str(Fraction(sum(totals), len(totals)))


def may_decide(score_count: int) -> bool:
    return score_count >= REQUIRED_SCORES
