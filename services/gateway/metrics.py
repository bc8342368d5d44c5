"""The gateway's own Prometheus metrics, in the registry every process serves at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from shared.web.observability import METRICS_REGISTRY

UPSTREAM_FAILURES = Counter(
    "jichi_gateway_upstream_failures_total",
    "Proxied requests that failed at the upstream, by kind of failure.",
    ["upstream", "kind"],
    registry=METRICS_REGISTRY,
)
RATE_LIMITED = Counter(
    "jichi_gateway_rate_limited_total",
    "Requests refused by the gateway's rate limiter, by what was limited.",
    ["limit"],
    registry=METRICS_REGISTRY,
)
CIRCUIT_STATE = Gauge(
    "jichi_gateway_circuit_state",
    "Each upstream's circuit: 0 closed, 1 half-open (a trial is allowed), 2 open.",
    ["upstream"],
    registry=METRICS_REGISTRY,
)
CIRCUIT_TRANSITIONS = Counter(
    "jichi_gateway_circuit_transitions_total",
    "Changes of an upstream's circuit state.",
    ["upstream", "to"],
    registry=METRICS_REGISTRY,
)
ABORTED_REQUESTS = Counter(
    "jichi_gateway_aborted_requests_total",
    "Requests whose body did not fully arrive (or arrived too slowly); their upstream call was abandoned.",
    ["reason"],
    registry=METRICS_REGISTRY,
)
TOKEN_LOCKOUTS = Counter(
    "jichi_gateway_token_lockouts_total",
    "Token requests refused because their client id or address is locked out after failures.",
    ["by"],
    registry=METRICS_REGISTRY,
)
TOKEN_FAILURES = Counter(
    "jichi_gateway_token_failures_total",
    "Token requests whose client authentication failed.",
    registry=METRICS_REGISTRY,
)
