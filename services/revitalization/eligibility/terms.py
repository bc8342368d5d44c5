"""Terms in months: an entrepreneur secondment (6 months to 3 years), a cooperator's appointment,
and extensions of a placement up to the programme's limit."""

from __future__ import annotations

from datetime import date

from services.revitalization.eligibility.calendar import last_day_of_term
from services.revitalization.eligibility.findings import Finding, Verdict


def check_term(*, start: date, end: date, min_months: int, max_months: int, what: str = "term") -> Verdict:
    """A term [start, end] (end inclusive) lasting at least `min_months` and at most `max_months`."""
    if end < start:
        return Verdict(
            (Finding("term-reversed", False, f"The {what} ends ({end}) before it starts ({start})."),)
        )
    shortest = last_day_of_term(start, min_months)
    longest = last_day_of_term(start, max_months)
    if end < shortest:
        return Verdict(
            (
                Finding(
                    "term-too-short",
                    False,
                    f"The {what} from {start} to {end} is shorter than {min_months} months "
                    f"(it must run to at least {shortest}).",
                ),
            )
        )
    if end > longest:
        return Verdict(
            (
                Finding(
                    "term-too-long",
                    False,
                    f"The {what} from {start} to {end} is longer than {max_months} months "
                    f"(it may run to {longest} at the latest).",
                ),
            )
        )
    return Verdict(
        (Finding("term-within-limits", True, f"The {what} lasts {min_months} to {max_months} months."),)
    )


def latest_end(start: date, max_months: int) -> date:
    return last_day_of_term(start, max_months)


def check_extension(*, start: date, current_end: date, new_end: date, max_months: int) -> Verdict:
    """An extension moves the end later, never past the programme's limit counted from the start."""
    if new_end <= current_end:
        return Verdict(
            (
                Finding(
                    "extension-not-later",
                    False,
                    f"The new end {new_end} is not after the current end {current_end}.",
                ),
            )
        )
    limit = latest_end(start, max_months)
    if new_end > limit:
        return Verdict(
            (
                Finding(
                    "extension-beyond-limit",
                    False,
                    f"The programme allows at most {max_months} months from {start}: the end may be {limit} "
                    "at the latest.",
                ),
            )
        )
    return Verdict((Finding("extension-allowed", True, f"Extended to {new_end} (limit {limit})."),))
