"""The cooperator residence rule: a move of registered residence from an urban area to an eligible
area of the hiring municipality, within the window around the appointment.

Exceptions (each enabled per fiscal year): a former cooperator may come from anywhere; a person
moving in from abroad has no domestic origin and is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.revitalization.eligibility.findings import Finding, Verdict
from services.revitalization.eligibility.source import ResidencePeriod
from services.revitalization.eligibility.urban_areas import urban_reason

FORMER_COOPERATOR = "former_cooperator"
FROM_ABROAD = "from_abroad"


@dataclass(frozen=True, slots=True)
class ResidenceRule:
    urban_prefecture_codes: frozenset[str]
    designated_cities_are_urban: bool
    move_window_days_before: int
    move_window_days_after: int
    exceptions: frozenset[str] = frozenset()
    conditionally_eligible_areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Municipalities inside an urban area that still receive cooperators: code → area prefixes
    (empty: the whole municipality)."""

    def urban(self, municipality_code: str) -> str | None:
        return urban_reason(
            municipality_code,
            urban_prefecture_codes=self.urban_prefecture_codes,
            designated_cities_are_urban=self.designated_cities_are_urban,
        )


def _move_in(periods: Sequence[ResidencePeriod], municipality: str, latest: date) -> int | None:
    """Index of the latest period in the municipality that began by `latest` after a move from elsewhere."""
    found = None
    for index, period in enumerate(periods):
        if period.municipality_code != municipality or period.start_date > latest:
            continue
        previous = periods[index - 1] if index > 0 else None
        if previous is None or previous.municipality_code != municipality:
            found = index
    return found


def _destination(rule: ResidenceRule, period: ResidencePeriod) -> Finding:
    code = period.municipality_code
    reason = rule.urban(code)
    if reason is None:
        return Finding("destination-eligible", True, f"{code} is outside the urban areas.")
    if code in rule.conditionally_eligible_areas:
        areas = rule.conditionally_eligible_areas[code]
        if not areas:
            return Finding("destination-eligible", True, f"{code} is urban but designated as a rural area.")
        if period.area is not None and any(period.area.startswith(a) for a in areas):
            return Finding(
                "destination-eligible",
                True,
                f"{code} is urban but the area {period.area} is designated rural.",
            )
        return Finding(
            "destination-not-eligible",
            False,
            f"{code} is urban ({reason}) and the registered area is not one of its designated rural areas.",
        )
    return Finding("destination-not-eligible", False, f"The new residence is urban: {reason}.")


def _origin(
    rule: ResidenceRule, move_in: ResidencePeriod, previous: ResidencePeriod | None, former_cooperator: bool
) -> Finding:
    if previous is None or move_in.moved_in_from_abroad:
        if FROM_ABROAD in rule.exceptions:
            return Finding("origin-abroad-exception", True, "Moved in from abroad, which the rules accept.")
        return Finding(
            "origin-not-urban",
            False,
            "No domestic residence before the move (moved in from abroad), and this year's rules "
            "do not accept moves from abroad.",
        )
    reason = rule.urban(previous.municipality_code)
    if reason is not None:
        return Finding("origin-urban", True, f"Moved from an urban area: {reason}.")
    if former_cooperator and FORMER_COOPERATOR in rule.exceptions:
        return Finding(
            "former-cooperator-exception",
            True,
            f"The previous residence {previous.municipality_code} is not urban, but a former cooperator "
            "is accepted from anywhere.",
        )
    detail = f"The previous residence {previous.municipality_code} is not in an urban area"
    if former_cooperator:
        detail += " and this year's rules do not make an exception for former cooperators"
    return Finding("origin-not-urban", False, detail + ".")


def check_cooperator_residence(
    periods: Sequence[ResidencePeriod],
    *,
    hiring_municipality: str,
    appointment_start: date,
    rule: ResidenceRule,
    former_cooperator: bool = False,
) -> Verdict:
    ordered = sorted(periods, key=lambda p: p.start_date)
    earliest = appointment_start - timedelta(days=rule.move_window_days_before)
    latest = appointment_start + timedelta(days=rule.move_window_days_after)
    index = _move_in(ordered, hiring_municipality, latest)
    if index is None:
        return Verdict(
            (
                Finding(
                    "no-move-in",
                    False,
                    f"No move of registered residence into {hiring_municipality} on or before {latest}.",
                ),
            )
        )
    move_in = ordered[index]
    findings = [
        Finding(
            "moved-in",
            True,
            f"Registered residence moved into {hiring_municipality} on {move_in.start_date}.",
        )
    ]
    if move_in.start_date < earliest:
        findings.append(
            Finding(
                "move-outside-window",
                False,
                f"The move on {move_in.start_date} is before the window {earliest} to {latest} "
                f"around the appointment on {appointment_start}.",
            )
        )
    else:
        findings.append(
            Finding("move-in-window", True, f"The move falls in the window {earliest} to {latest}.")
        )
    findings.append(_destination(rule, move_in))
    previous = ordered[index - 1] if index > 0 else None
    findings.append(_origin(rule, move_in, previous, former_cooperator))
    return Verdict(tuple(findings))
