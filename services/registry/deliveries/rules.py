"""When to try a failed delivery again (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta


def retry_delay(attempts: int, *, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2·base, 4·base … at most max."""
    if attempts < 1:
        raise ValueError("a delay follows a failed attempt")
    return min(max_seconds, base_seconds * float(2 ** min(attempts - 1, 62)))


def after_failure(
    attempts: int, *, now: datetime, max_attempts: int, base_seconds: float, max_seconds: float
) -> tuple[str, datetime | None]:
    """The delivery's status and next attempt after its `attempts`-th attempt failed."""
    if attempts >= max_attempts:
        return "dead", None
    return "pending", now + timedelta(
        seconds=retry_delay(attempts, base_seconds=base_seconds, max_seconds=max_seconds)
    )


def acknowledged(status_code: int) -> bool:
    """A receiver acknowledges with any 2xx (Standard Webhooks); anything else is retried."""
    return 200 <= status_code < 300
