"""Structured JSON logs and Prometheus metrics, shared by every process."""

from __future__ import annotations

import asyncio
import atexit
import logging
import sys
import traceback
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from types import TracebackType
from typing import Any, TextIO

import orjson
import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import Response

METRICS_REGISTRY = CollectorRegistry(auto_describe=True)
# The process's CPU, memory, open files and start time, the interpreter's version and its garbage
# collections: what prometheus-client registers by default, in the registry every process serves.
ProcessCollector(registry=METRICS_REGISTRY)
PlatformCollector(registry=METRICS_REGISTRY)
GCCollector(registry=METRICS_REGISTRY)

REQUEST_SECONDS = Histogram(
    "jichi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["service", "method", "route", "status"],
    registry=METRICS_REGISTRY,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


@lru_cache(maxsize=4096)
def request_timer(service: str, method: str, route: str, status: int) -> Any:
    """REQUEST_SECONDS for these labels: its child looked up once, not on every request."""
    return REQUEST_SECONDS.labels(service, method, route, str(status))


_configured = False
# How long a log line may wait for others to share its write; lost with the process if it is killed.
FLUSH_SECONDS = 0.02
_request_lines: BatchedLineWriter | None = None
# The process's writers once configured: the structured lines', and the standard library's.
_lines: BatchedLineWriter | None = None
_stdlib_lines: logging.StreamHandler[TextIO] | None = None
_access_log = structlog.get_logger("jichi.access")


class BatchedLineWriter:
    """A structlog logger writing lines to a stream, together a few milliseconds after the first.

    Every request writes a log line in each process it passes. The stream is unbuffered where
    PYTHONUNBUFFERED is set (the image sets it), so each line written to it was a system call
    of its own, per request and process. Here lines wait in a list for FLUSH_SECONDS after the
    first and go out in one write; an error or anything above goes out at once with whatever
    waited. Outside a running loop (commands, tests) every line goes out at once, and what
    waits at exit is written then.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._waiting: list[str] = []
        self._flush_pending = False

    def msg(self, message: str | bytes) -> None:
        self._add(message)
        if self._flush_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.write_out()
            return
        self._flush_pending = True
        loop.call_later(FLUSH_SECONDS, self._flush)

    def urgent(self, message: str | bytes) -> None:
        self._add(message)
        self.write_out()

    def _add(self, message: str | bytes) -> None:
        self._waiting.append((message.decode() if isinstance(message, bytes) else message) + "\n")

    def _flush(self) -> None:
        self._flush_pending = False
        self.write_out()

    def write_out(self) -> None:
        """Everything waiting, in one write."""
        if self._waiting:
            text = "".join(self._waiting)
            self._waiting.clear()
            self._stream.write(text)
            self._stream.flush()

    log = debug = info = warn = warning = msg
    error = err = critical = exception = fatal = failure = urgent


def log_request(fields: dict[str, Any]) -> None:
    """The access line of one request (`fields` then `event`, `level` and `timestamp`).

    With JSON logs at INFO it is the document structlog would write, less its processor chain:
    every request writes one in each process it passes, and the chain cost 7 µs of the 9 a
    line took. The caller passes the request id itself. Otherwise it goes through structlog.
    """
    if _request_lines is None:
        _access_log.info("request", **fields)
        return
    fields["event"] = "request"
    fields["level"] = "info"
    fields["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    _request_lines.msg(orjson.dumps(fields))


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def scrubbed_traceback(exc_info: ExcInfo) -> str:
    """An exception's types and frames (file, line, function), never its message or locals.

    A message can carry the values that failed: a date that would not parse, a key that was
    not found, a statement's parameters. The types and where they were raised are what a
    reader of the log needs to find the fault; the request id leads to the rest."""
    lines: list[str] = []
    exception: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        frames = traceback.extract_tb(exception.__traceback__)
        lines.append(f"{type(exception).__module__}.{type(exception).__qualname__}")
        lines.extend(f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames)
        exception = exception.__cause__ or (None if exception.__suppress_context__ else exception.__context__)
        if exception is not None:
            lines.append("raised while handling")
    return "\n".join(lines)


def _scrub_exc_info(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog: `exc_info` as `exception` (its scrubbed traceback), in place of format_exc_info."""
    exc_info = event.pop("exc_info", None)
    if exc_info:
        if not isinstance(exc_info, tuple):
            exc_info = sys.exc_info()
        if exc_info[1] is not None:
            event["exception"] = scrubbed_traceback(exc_info)
    return event


def _first_line_of_asyncio(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """asyncio's first line says what happened; the next ones repeat the task's repr, which holds
    the exception's message ("Task exception was never retrieved\nfuture: <Task ...>")."""
    if event.get("logger") == "asyncio":
        event["event"] = str(event["event"]).split("\n", 1)[0]
    return event


def _orjson_text(document: Any, **options: Any) -> str:
    return orjson.dumps(document, **options).decode()


class StandardLibraryFormatter(structlog.stdlib.ProcessorFormatter):
    """The standard library's records (uvicorn's and granian's own, SQLAlchemy's, asyncio's) as the
    same JSON lines as everything else: `event`, `level`, `logger`, `timestamp`, the request
    context, and a scrubbed traceback as `exception`. Also the `()` of a logging dictConfig."""

    def __init__(self, json: bool = True) -> None:
        super().__init__(
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                _first_line_of_asyncio,
                _scrub_exc_info,
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(serializer=_orjson_text)
                if json
                else structlog.dev.ConsoleRenderer(),
            ],
        )


def server_log_config() -> dict[str, Any]:
    """A logging dictConfig for a server's own loggers (granian's), writing through the root's handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.StandardLibraryFormatter"}},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
        },
        "loggers": {
            "_granian": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """JSON lines on stdout with the request context merged in; idempotent.

    Every record of the standard library (SQLAlchemy, asyncio, uvicorn) goes to the root's one
    handler, as the same JSON lines with scrubbed tracebacks; uvicorn's own access line, which
    holds the raw path and query string, is off: the request context writes the one access line
    of a request, in JSON, with the route template instead.
    """
    global _configured, _request_lines, _lines, _stdlib_lines
    _route_server_loggers_to_root()  # again for every app: each uvicorn config resets them
    if _configured:
        return
    _configured = True
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    # One writer for the structured lines and the request lines: one write every few milliseconds.
    _lines = lines = BatchedLineWriter(sys.stdout)
    atexit.register(lines.write_out)
    if json and numeric <= logging.INFO:
        _request_lines = lines
    # A stream of its own: records can come from other threads, which the writer does not expect.
    _stdlib_lines = logging.StreamHandler(sys.stdout)
    _stdlib_lines.setFormatter(StandardLibraryFormatter(json=json))
    root = logging.getLogger()
    root.addHandler(_stdlib_lines)
    root.setLevel(numeric)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # orjson: every request logs a line, and the standard library's encoder took half its cost.
    renderer = (
        structlog.processors.JSONRenderer(serializer=orjson.dumps)
        if json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _scrub_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=lambda *_args: lines,
        cache_logger_on_first_use=True,
    )


def _route_server_loggers_to_root() -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


@asynccontextmanager
async def serving_metrics(port: int | None) -> AsyncIterator[None]:
    """/metrics on a port of its own (prometheus-client's server, in a thread), if `port` is set.

    Apart from the API's port, what is scraped can be reached by the collector only, never by
    whoever reaches the API (the gateway's port is public)."""
    if port is None:
        yield
        return
    server, thread = start_http_server(port, registry=METRICS_REGISTRY)
    try:
        yield
    finally:
        await asyncio.to_thread(server.shutdown)  # waits for the thread's next poll
        server.server_close()
        thread.join()


async def metrics_endpoint(_request: Request) -> Response:
    return Response(generate_latest(METRICS_REGISTRY), media_type=CONTENT_TYPE_LATEST)
