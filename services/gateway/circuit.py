"""A circuit breaker per upstream: a dead upstream fails fast, and is tried again by itself."""

from __future__ import annotations

import time


class CircuitBreaker:
    """Closed → open after `threshold` consecutive failures → one trial after `cooldown` seconds."""

    def __init__(self, *, threshold: int, cooldown: float) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if time.monotonic() - self.opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def retry_after(self) -> int:
        if self.opened_at is None:
            return 0
        return max(1, round(self.cooldown - (time.monotonic() - self.opened_at)))

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        self.failures += 1
        self._trial_running = False
        if self.opened_at is not None or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
