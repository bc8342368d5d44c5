"""When each voting method is open (pure)."""

from __future__ import annotations

from datetime import date, timedelta

from shared.contracts.elections import VotingMethod


def method_problem(
    method: VotingMethod, *, today: date, announcement_date: date, polling_day: date
) -> str | None:
    """Why `method` is not open on `today` (JST), or None when it is."""
    first_early, last_early = announcement_date + timedelta(days=1), polling_day - timedelta(days=1)
    if method == VotingMethod.ORDINARY and today != polling_day:
        return f"polling-day voting happens on {polling_day} only"
    if method in (VotingMethod.EARLY, VotingMethod.ABSENTEE) and not first_early <= today <= last_early:
        return f"{method.value} voting is open from {first_early} to {last_early}"
    return None
