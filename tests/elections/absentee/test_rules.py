"""Absentee steps and receipts (pure), hand-computed around polling day 2026-07-05."""

from __future__ import annotations

from datetime import date

import pytest

from services.elections.absentee.rules import date_problem, out_of_order, receipt
from shared.contracts.elections import AbsenteeOutcome, AbsenteeState, AbsenteeStep

POLLING = date(2026, 7, 5)


@pytest.mark.parametrize(
    ("state", "step", "allowed"),
    [
        (AbsenteeState.REQUESTED, AbsenteeStep.ISSUED, True),
        (AbsenteeState.ISSUED, AbsenteeStep.VOTED, True),
        (AbsenteeState.VOTED, AbsenteeStep.SENT, True),
        (AbsenteeState.SENT, AbsenteeStep.RECEIVED, True),
        (AbsenteeState.REQUESTED, AbsenteeStep.VOTED, False),
        (AbsenteeState.ISSUED, AbsenteeStep.RECEIVED, False),
        (AbsenteeState.VOTED, AbsenteeStep.VOTED, False),
        (AbsenteeState.SENT, AbsenteeStep.ISSUED, False),
        (AbsenteeState.RECEIVED, AbsenteeStep.RECEIVED, False),
    ],
)
def test_one_step_at_a_time(state: AbsenteeState, step: AbsenteeStep, allowed: bool) -> None:
    assert (out_of_order(state, step) is None) is allowed


def test_step_dates() -> None:
    today = date(2026, 7, 3)
    assert date_problem(date(2026, 7, 3), previous_on=date(2026, 7, 1), today=today) is None
    assert date_problem(date(2026, 7, 1), previous_on=date(2026, 7, 1), today=today) is None
    assert "future" in (date_problem(date(2026, 7, 4), previous_on=date(2026, 7, 1), today=today) or "")
    assert "before" in (date_problem(date(2026, 6, 30), previous_on=date(2026, 7, 1), today=today) or "")


@pytest.mark.parametrize(
    ("received_on", "in_person", "outcome"),
    [
        (date(2026, 7, 3), None, AbsenteeOutcome.ACCEPTED),
        (POLLING, None, AbsenteeOutcome.ACCEPTED),  # arrives on polling day, before the voter came
        (date(2026, 7, 6), None, AbsenteeOutcome.NOT_ACCEPTED),  # after the polls closed
        (date(2026, 7, 4), 17, AbsenteeOutcome.NOT_ACCEPTED),  # the voter voted early first
        (POLLING, 18, AbsenteeOutcome.NOT_ACCEPTED),  # the voter came to the station first
    ],
)
def test_receipt(received_on: date, in_person: int | None, outcome: AbsenteeOutcome) -> None:
    decided = receipt(received_on, POLLING, in_person)
    assert decided.outcome == outcome
    assert (decided.reason is None) is (outcome == AbsenteeOutcome.ACCEPTED)
    if in_person is not None:
        assert f"check-in {in_person}" in (decided.reason or "")


def test_a_ballot_voted_while_the_vote_was_suspended_is_not_accepted() -> None:
    decided = receipt(date(2026, 7, 3), POLLING, None, suspension_id=5)
    assert decided.outcome == AbsenteeOutcome.NOT_ACCEPTED
    assert "suspension 5" in (decided.reason or "")
    # Lateness is said first: the polls had closed whatever else.
    assert "after polling day" in (receipt(date(2026, 7, 6), POLLING, None, suspension_id=5).reason or "")
