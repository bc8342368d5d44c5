"""The circuit breaker: every admitted request settles, and a trial that settles as neither frees the next."""

from __future__ import annotations

import time

import pytest

from services.gateway.circuit import CircuitBreaker, State
from services.gateway.metrics import CIRCUIT_STATE, CIRCUIT_TRANSITIONS


def _opened(name: str) -> CircuitBreaker:
    breaker = CircuitBreaker(name, threshold=2, cooldown=0.05)
    for _ in range(2):
        assert breaker.admit()
        breaker.settle(False)
    return breaker


def test_opens_after_the_threshold_and_fails_fast() -> None:
    breaker = _opened("circuit-a")
    assert breaker.state is State.OPEN
    assert not breaker.admit()
    assert CIRCUIT_STATE.labels("circuit-a")._value.get() == State.OPEN


@pytest.mark.parametrize(("outcome", "after"), [(True, State.CLOSED), (False, State.OPEN)])
def test_one_trial_after_the_cooldown_decides(outcome: bool, after: State) -> None:
    breaker = _opened(f"circuit-trial-{outcome}")
    time.sleep(0.06)
    assert breaker.admit()
    assert not breaker.admit()  # one trial at a time
    breaker.settle(outcome)
    assert breaker.state is after


def test_a_trial_that_settles_as_neither_lets_the_next_request_try() -> None:
    breaker = _opened("circuit-neither")
    time.sleep(0.06)
    assert breaker.admit()
    breaker.settle(None)
    assert breaker.state is State.HALF_OPEN
    assert breaker.admit()
    breaker.settle(True)
    assert breaker.failures == 0
    assert breaker.opened_at is None


def test_state_changes_are_counted() -> None:
    breaker = _opened("circuit-counted")
    time.sleep(0.06)
    breaker.admit()
    breaker.settle(True)
    transitions = {
        state: CIRCUIT_TRANSITIONS.labels("circuit-counted", state)._value.get()
        for state in ("open", "half_open", "closed")
    }
    assert transitions == {"open": 1, "half_open": 1, "closed": 1}
