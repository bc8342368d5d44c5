"""A circuit breaker per upstream: a dead upstream fails fast, and is tried again by itself.

Every admitted request is settled, in a `finally`, as a success, a failure or neither (the
caller went away, its body was too large): a half-open circuit whose one trial ended in
neither lets the next request try, instead of staying open for good.
"""

from __future__ import annotations

import enum
import time

import structlog

from services.gateway.metrics import CIRCUIT_STATE, CIRCUIT_TRANSITIONS

log = structlog.get_logger("jichi.gateway.circuit")


class State(enum.IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    """Closed → open after `threshold` consecutive failures → one trial after `cooldown` seconds."""

    def __init__(self, upstream: str, *, threshold: int, cooldown: float) -> None:
        self.upstream = upstream
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_running = False
        self._reported = State.CLOSED
        CIRCUIT_STATE.labels(upstream).set(State.CLOSED)

    @property
    def state(self) -> State:
        if self.opened_at is None:
            return State.CLOSED
        if time.monotonic() - self.opened_at >= self.cooldown:
            return State.HALF_OPEN
        return State.OPEN

    def admit(self) -> bool:
        """Whether a request may go to the upstream now; an admitted one must be `settle`d."""
        state = self.state
        self._report(state)
        if state is State.CLOSED:
            return True
        if state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def settle(self, succeeded: bool | None) -> None:
        """End an admitted request: True a success, False a failure, None neither."""
        was_trial = self._trial_running
        self._trial_running = False
        if succeeded is None:
            return
        if succeeded:
            self.failures = 0
            self.opened_at = None
        else:
            self.failures += 1
            if was_trial or self.failures >= self.threshold:
                self.opened_at = time.monotonic()
        self._report(self.state)

    def retry_after(self) -> int:
        if self.opened_at is None:
            return 0
        return max(1, round(self.cooldown - (time.monotonic() - self.opened_at)))

    def _report(self, state: State) -> None:
        if state is self._reported:
            return
        log.warning(
            "circuit_state_changed",
            upstream=self.upstream,
            previous=self._reported.name.lower(),
            state=state.name.lower(),
            consecutive_failures=self.failures,
        )
        CIRCUIT_STATE.labels(self.upstream).set(state)
        CIRCUIT_TRANSITIONS.labels(self.upstream, state.name.lower()).inc()
        self._reported = state
