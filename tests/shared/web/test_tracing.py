"""Tracing is off unless the standard OTEL_* variables name an exporter; off, nothing is instrumented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.types import Receive, Scope, Send

from shared.web import tracing


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("only wrapped here, never called")


@pytest.fixture(autouse=True)
def untraced() -> Iterator[None]:
    tracing.stop_tracing()
    yield
    tracing.stop_tracing()


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"OTEL_TRACES_EXPORTER": ""},
        {"OTEL_TRACES_EXPORTER": "none"},
        {"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"},
    ],
)
def test_off_by_default_nothing_is_created(environ: dict[str, str]) -> None:
    tracing.start_tracing_from_environment("registry", environ)
    assert not tracing.tracing_enabled()
    assert tracing.traced_app(bare_app) is bare_app
    assert tracing.aiohttp_trace_configs() == []
    assert tracing.current_trace() is None


def test_an_exporter_named_in_the_environment_switches_tracing_on() -> None:
    tracing.start_tracing_from_environment("registry", {"OTEL_TRACES_EXPORTER": "console"})
    provider = tracing._provider
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "jichi-registry"
    exporters = [processor.span_exporter for processor in provider._active_span_processor._span_processors]  # type: ignore[attr-defined]
    assert [type(exporter) for exporter in exporters] == [ConsoleSpanExporter]
    assert tracing.traced_app(bare_app) is not bare_app
    assert len(tracing.aiohttp_trace_configs()) == 1


async def test_asyncpg_is_instrumented_only_while_tracing() -> None:
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    tracing.trace_engine(engine)
    assert not instrumentor.is_instrumented_by_opentelemetry
    tracing.start_tracing(TracerProvider())
    tracing.trace_engine(engine)
    tracing.trace_engine(engine)
    assert instrumentor.is_instrumented_by_opentelemetry
    tracing.stop_tracing()
    assert not instrumentor.is_instrumented_by_opentelemetry
    await engine.dispose()


def test_otlp_is_sent_over_http_by_default() -> None:
    tracing.start_tracing_from_environment("gateway", {"OTEL_TRACES_EXPORTER": "otlp"})
    provider = tracing._provider
    assert provider is not None
    (processor,) = provider._active_span_processor._span_processors
    assert isinstance(processor.span_exporter, OTLPSpanExporter)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "environ",
    [
        {"OTEL_TRACES_EXPORTER": "zipkin-typo"},
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
    ],
)
def test_an_exporter_that_is_not_installed_stops_the_process_at_start(environ: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="no installed exporter"):
        tracing.start_tracing_from_environment("registry", environ)
    assert not tracing.tracing_enabled()
