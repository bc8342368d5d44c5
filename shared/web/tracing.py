"""OpenTelemetry traces: off unless the standard `OTEL_*` variables name an exporter.

`OTEL_TRACES_EXPORTER` (`otlp`, `console`, any installed exporter's entry point; several
comma-separated) switches tracing on; `OTEL_SDK_DISABLED=true` or `none` keeps it off, and so
does leaving it unset: unlike the SDK's own default (`otlp`), a process that was not told where
to send spans sends none. Everything else is the SDK's and the exporters' own reading of the
environment: `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)`,
`OTEL_BSP_*`, `OTEL_EXPORTER_OTLP_*`.

Off, nothing is instrumented: no middleware, no event listener, no trace config, no patched
driver, so a request pays nothing but two checks. On, the instruments are attached to each object
explicitly (the ASGI app, the engine, the HTTP clients; only asyncpg is patched, as its
instrumentation does), and with redacted URLs: a path can hold a resident code, so a span carries
the route template (`/registry/v1/residents/{resident_code}`) or, for a client call, the origin and
first path segment only. Statements are traced with their placeholders, never their parameters.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, Final

import aiohttp
import httpx
from opentelemetry import trace
from opentelemetry.instrumentation.aiohttp_client import create_trace_config
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp
from yarl import URL

from shared.web.context import TraceContext

_provider: TracerProvider | None = None
_QUIET_PATHS: Final = "/healthz,/readyz,/metrics"
# The exporters' entry-point names by OTLP protocol; only the HTTP one is installed.
_OTLP_EXPORTERS: Final = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}
# Every attribute in which an instrument may put a request's path or query, in either
# generation of the HTTP semantic conventions (OTEL_SEMCONV_STABILITY_OPT_IN).
_URL_ATTRIBUTES: Final = ("http.target", "http.url", "url.path", "url.query", "url.full")


def exporter_names(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The exporters the environment asks for; none unless it names one."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [name.strip() for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if name.strip()]
    return [] if "none" in names else names


def _exporter(name: str, environ: Mapping[str, str]) -> SpanExporter:
    if name == "otlp":
        # The specification's name: the protocol variables choose the transport (HTTP by default).
        protocol = (
            environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
            or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
            or "http/protobuf"
        ).strip()
        name = _OTLP_EXPORTERS.get(protocol, f"otlp ({protocol})")
    found = entry_points(group="opentelemetry_traces_exporter", name=name)
    if not found:
        raise ValueError(f"OTEL_TRACES_EXPORTER names {name!r}, which no installed exporter provides")
    exporter: SpanExporter = next(iter(found)).load()()
    return exporter


def start_tracing_from_environment(service: str, environ: Mapping[str, str] = os.environ) -> None:
    """Trace this process if the environment names an exporter (once per process)."""
    names = exporter_names(environ)
    if not names or _provider is not None:
        return
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: f"jichi-{service}"}))
    provider = TracerProvider(resource=resource)
    for name in names:
        provider.add_span_processor(BatchSpanProcessor(_exporter(name, environ)))
    start_tracing(provider)


def start_tracing(provider: TracerProvider) -> None:
    """Instrument what is built from now on with `provider` (a test passes one with an in-memory exporter)."""
    global _provider
    _provider = provider


def stop_tracing() -> None:
    """What is built from now on is not instrumented; spans waiting in the provider are sent."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.uninstrument()
    _provider = None


def tracing_enabled() -> bool:
    return _provider is not None


def traced_app(app: ASGIApp) -> ASGIApp:
    """`app` inside a server span per request (continuing a caller's traceparent), if tracing."""
    if _provider is None:
        return app
    traced: ASGIApp = OpenTelemetryMiddleware(
        app,
        excluded_urls=_QUIET_PATHS,
        default_span_details=_method_only,
        server_request_hook=_redact_url,
        tracer_provider=_provider,
        meter_provider=NoOpMeterProvider(),  # Prometheus measures requests
        exclude_spans=["receive", "send"],
    )
    return traced


def trace_engine(engine: AsyncEngine) -> None:
    """A span per statement of `engine` (its SQL with placeholders, never the parameters).

    On asyncpg the driver is instrumented, so that the statements a service sends straight to it
    (`Database.driver_fetch`) are traced too, each once; other drivers through SQLAlchemy's events.
    """
    if _provider is None:
        return
    if engine.dialect.driver == "asyncpg":
        instrumentor = AsyncPGInstrumentor(capture_parameters=False)  # type: ignore[no-untyped-call]
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=_provider)
        return
    meter = NoOpMeterProvider().get_meter(__name__)
    EngineTracer(  # type: ignore[no-untyped-call]
        trace.get_tracer(__name__, tracer_provider=_provider),
        engine.sync_engine,
        meter.create_up_down_counter("db.client.connections.usage"),
    )


def trace_httpx(client: httpx.AsyncClient) -> None:
    """A client span per request of `client`, with the trace context injected."""
    if _provider is None:
        return
    HTTPXClientInstrumentor.instrument_client(
        client,
        tracer_provider=_provider,
        meter_provider=NoOpMeterProvider(),
        request_hook=lambda span, _request: _redact_client_url(span),
    )


def aiohttp_trace_configs() -> list[aiohttp.TraceConfig]:
    """For an aiohttp session: a client span per request, with the trace context injected."""
    if _provider is None:
        return []
    config: aiohttp.TraceConfig = create_trace_config(
        url_filter=_origin_and_service,
        tracer_provider=_provider,
        meter_provider=NoOpMeterProvider(),
    )
    return [config]


def current_trace() -> TraceContext | None:
    """The current span as W3C trace context, so logs and echoed headers carry its ids."""
    if _provider is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return TraceContext(
        trace.format_trace_id(context.trace_id),
        trace.format_span_id(context.span_id),
        f"{context.trace_flags:02x}",
    )


def name_server_span(method: str, route: str, request_id: str) -> None:
    """The server span named by its route template, with the request id that correlates logs."""
    if _provider is None:
        return
    span = trace.get_current_span()
    if not span.is_recording():
        return
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("jichi.request_id", request_id)
    for key in _URL_ATTRIBUTES:
        if _has_attribute(span, key):
            span.set_attribute(key, route)


def _method_only(scope: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(scope.get("method", "HTTP")), {}


def _redact_url(span: trace.Span, _scope: Mapping[str, Any]) -> None:
    """Until the route is known (`name_server_span`), the request's path is no span's business."""
    for key in _URL_ATTRIBUTES:
        if _has_attribute(span, key):
            span.set_attribute(key, "")


def _redact_client_url(span: trace.Span) -> None:
    for key in _URL_ATTRIBUTES:
        value = _attribute(span, key)
        if isinstance(value, str) and value:
            span.set_attribute(key, _origin_and_service(URL(value)) if "://" in value else "")


def _origin_and_service(url: URL) -> str:
    """`http://registry:8001/registry/v1/residents/123?x=1` as `http://registry:8001/registry`."""
    first_segment = url.path.lstrip("/").split("/", 1)[0]
    return f"{url.origin()}/{first_segment}"


def _attribute(span: trace.Span, key: str) -> Any:
    attributes = getattr(span, "attributes", None) or {}
    return attributes.get(key)


def _has_attribute(span: trace.Span, key: str) -> bool:
    return _attribute(span, key) is not None
