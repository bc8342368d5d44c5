"""Traces across the platform: one trace from the gateway through a service to its database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared.web.tracing import start_tracing, stop_tracing
from tests.integration.conftest import Platform

EXPORTED = InMemorySpanExporter()
CODE = "131016"


@pytest.fixture(scope="module", autouse=True)
def tracing() -> Iterator[None]:
    """Before the platform of this module is built, so that every process part of it is traced."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTED))
    start_tracing(provider)
    yield
    stop_tracing()


async def spans_of(trace_id: int, *, at_least: int) -> list[ReadableSpan]:
    """The trace's spans; the gateway's own ends just after its answer was sent."""
    for _ in range(100):
        spans = [span for span in EXPORTED.get_finished_spans() if span.context.trace_id == trace_id]
        if len(spans) >= at_least and any(span.name == "GET /registry/*" for span in spans):
            return spans
        await asyncio.sleep(0.02)
    raise AssertionError(f"only {len(spans)} spans of the trace were exported")


def parent_of(span: ReadableSpan, spans: list[ReadableSpan]) -> ReadableSpan:
    assert span.parent is not None
    return next(candidate for candidate in spans if candidate.context.span_id == span.parent.span_id)


async def test_one_trace_spans_gateway_service_and_database(
    http: httpx.AsyncClient, platform: Platform
) -> None:
    caller_trace = "0af7651916cd43dd8448eb211c80319c"
    # The list reads the database; a single code is answered from the code master in memory.
    response = await http.get(
        f"{platform.gateway_url}/registry/v1/local-government-codes?prefecture=13",
        headers={"traceparent": f"00-{caller_trace}-b7ad6b7169203331-01", "X-Request-ID": "traced-1"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["traceparent"].split("-")[1] == caller_trace

    spans = await spans_of(int(caller_trace, 16), at_least=4)
    statement = next(span for span in spans if span.attributes and "db.statement" in span.attributes)
    service_server = parent_of(statement, spans)
    while service_server.kind != SpanKind.SERVER:
        service_server = parent_of(service_server, spans)
    assert service_server.name == "GET /registry/v1/local-government-codes"
    gateway_client = parent_of(service_server, spans)
    assert gateway_client.kind == SpanKind.CLIENT
    gateway_server = parent_of(gateway_client, spans)
    assert (gateway_server.kind, gateway_server.name) == (SpanKind.SERVER, "GET /registry/*")
    assert gateway_server.parent is not None
    assert gateway_server.parent.span_id == 0xB7AD6B7169203331
    # The request id correlates spans with the log lines of every process it passed.
    assert gateway_server.attributes is not None
    assert service_server.attributes is not None
    assert gateway_server.attributes["jichi.request_id"] == "traced-1"
    assert service_server.attributes["jichi.request_id"] == "traced-1"


async def test_spans_carry_route_templates_never_paths(http: httpx.AsyncClient, platform: Platform) -> None:
    response = await http.get(
        f"{platform.gateway_url}/registry/v1/local-government-codes/{CODE}?as_of=2020-01-01"
    )
    trace_id = int(response.headers["traceparent"].split("-")[1], 16)
    spans = await spans_of(trace_id, at_least=3)
    for span in spans:
        assert CODE not in span.name
        assert not any(CODE in str(value) for value in (span.attributes or {}).values()), span.attributes
