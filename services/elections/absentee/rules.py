"""The order of an absentee ballot's steps and what its receipt means (pure).

Public Offices Election Act art. 49 and the Cabinet Order's provisions on absentee voting: the voter asks
the commission of the roll for the papers (request), the commission issues them (issued), the voter
votes before another commission or at a designated hospital (voted, from the day after the announcement
to the day before polling day), the ballot is sent to the commission of the roll (sent) and received by
it (received). Implemented:
- A received ballot is the voter's vote only if the voter has not voted otherwise: a voter whose ballot
  has not arrived may vote in person, and the ballot, when it arrives, is not accepted (不受理) and not
  counted. A voter whose ballot arrived has voted: a check-in is refused (already voted).
- A ballot received after polling day (after the polls closed) is not accepted, nor one voted on a day
  a suspension of the vote (art. 11, 252) covered.
The Cabinet Order's article numbers for these two rules were not verified here (`verified = false` in
the service README); art. 49 was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.elections import AbsenteeOutcome, AbsenteeState, AbsenteeStep

NEXT_STEP: dict[AbsenteeState, AbsenteeStep] = {
    AbsenteeState.REQUESTED: AbsenteeStep.ISSUED,
    AbsenteeState.ISSUED: AbsenteeStep.VOTED,
    AbsenteeState.VOTED: AbsenteeStep.SENT,
    AbsenteeState.SENT: AbsenteeStep.RECEIVED,
}
DATE_COLUMN: dict[AbsenteeStep, str] = {
    AbsenteeStep.ISSUED: "issued_on",
    AbsenteeStep.VOTED: "voted_on",
    AbsenteeStep.SENT: "sent_on",
    AbsenteeStep.RECEIVED: "received_on",
}


def out_of_order(state: AbsenteeState, step: AbsenteeStep) -> str | None:
    expected = NEXT_STEP.get(state)
    if expected == step:
        return None
    if expected is None:
        return f"The ballot was received already; no step follows '{state.value}'."
    return f"The ballot is '{state.value}': the next step is '{expected.value}', not '{step.value}'."


def date_problem(occurred_on: date, *, previous_on: date, today: date) -> str | None:
    if occurred_on > today:
        return f"{occurred_on} is in the future (today is {today})."
    if occurred_on < previous_on:
        return f"{occurred_on} is before the previous step ({previous_on})."
    return None


@dataclass(frozen=True, slots=True)
class Receipt:
    outcome: AbsenteeOutcome
    reason: str | None


def receipt(
    received_on: date, polling_day: date, in_person_check_in: int | None, *, suspension_id: int | None = None
) -> Receipt:
    """Whether a received ballot counts; `in_person_check_in` is the voter's standing check-in, if any;
    `suspension_id` a suspension of the vote (art. 11, 252) that covered the day the ballot was voted."""
    if received_on > polling_day:
        return Receipt(
            AbsenteeOutcome.NOT_ACCEPTED, f"received on {received_on}, after polling day {polling_day}"
        )
    if suspension_id is not None:
        return Receipt(
            AbsenteeOutcome.NOT_ACCEPTED,
            f"the voter's vote was suspended on the day the ballot was voted (suspension {suspension_id})",
        )
    if in_person_check_in is not None:
        return Receipt(
            AbsenteeOutcome.NOT_ACCEPTED,
            f"the voter voted otherwise first (check-in {in_person_check_in}) before the ballot arrived",
        )
    return Receipt(AbsenteeOutcome.ACCEPTED, None)
