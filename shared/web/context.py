"""Per-request context (request id, trace parent, client id) kept in context variables."""

from __future__ import annotations

import random
import re
from contextvars import ContextVar
from dataclasses import dataclass

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
traceparent_var: ContextVar[str] = ContextVar("traceparent", default="")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True, slots=True)
class TraceContext:
    trace_id: str
    parent_id: str
    flags: str

    @property
    def header(self) -> str:
        return f"00-{self.trace_id}-{self.parent_id}-{self.flags}"


def _random_hex(bits: int) -> str:
    """A random id, never all zeros (trace context forbids it).

    Ids label requests and traces, they guard nothing: the process's own generator (reseeded in
    a forked child) gives them, as OpenTelemetry's do, without a system call per request.
    """
    while not (value := random.getrandbits(bits)):
        pass
    return f"{value:0{bits // 4}x}"


def accept_request_id(value: str | None) -> str:
    """Keep a caller's well-formed X-Request-ID; otherwise make a new one."""
    if value and _REQUEST_ID.match(value):
        return value
    return _random_hex(128)


def continue_trace(value: str | None) -> TraceContext:
    """Continue a valid W3C trace with a new span of ours, or start a new trace."""
    match = _TRACEPARENT.match(value or "")
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        return TraceContext(match.group(1), _random_hex(64), match.group(3))
    return TraceContext(_random_hex(128), _random_hex(64), "01")


def current_request_id() -> str:
    return request_id_var.get()


def propagation_headers() -> dict[str, str]:
    """Headers a service-to-service call carries so the trace and request id continue."""
    headers: dict[str, str] = {}
    if request_id := request_id_var.get():
        headers["X-Request-ID"] = request_id
    if traceparent := traceparent_var.get():
        headers["traceparent"] = traceparent
    return headers
