"""The request-context middleware: request id and trace, body limits, media types, access log, metrics.

Written as plain ASGI (not BaseHTTPMiddleware) because it wraps every request of every service.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import structlog
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.db.errors import is_connection_lost, is_database_unavailable
from shared.web.context import accept_request_id, continue_trace, request_id_var, traceparent_var
from shared.web.observability import log_request, request_timer
from shared.web.problems import problem_response, unexpected_error_response, validation_failed_response
from shared.web.text_input import (
    HINT_SPAN,
    UnencodableText,
    may_hold_unencodable_text,
    unencodable_query_parameter,
    unencodable_text_pointer,
)
from shared.web.tracing import current_trace, name_server_span, tracing_enabled
from shared.web.url_digits import with_ascii_digits

log = structlog.get_logger("jichi.errors")

JSON_MEDIA_TYPES = frozenset({"application/json", "application/merge-patch+json"})
_BODY_METHODS = frozenset({b"POST", b"PUT", b"PATCH"})
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestTooLarge(StarletteHTTPException):
    """Raised from `receive`; an HTTPException so that FastAPI's body parsing passes it on."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit} bytes.")


class _RequestHeaders:
    """The headers this middleware reads, found in one pass over the request's headers."""

    __slots__ = ("content_length", "content_type", "request_id", "traceparent", "transfer_encoding")

    def __init__(self, scope: Scope) -> None:
        self.request_id = self.traceparent = self.content_length = None
        self.content_type = self.transfer_encoding = None
        value: bytes
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                self.request_id = value.decode("latin-1")
            elif name == b"traceparent":
                self.traceparent = value.decode("latin-1")
            elif name == b"content-length":
                self.content_length = value.decode("latin-1")
            elif name == b"content-type":
                self.content_type = value.decode("latin-1")
            elif name == b"transfer-encoding":
                self.transfer_encoding = value.decode("latin-1")

    @property
    def may_have_body(self) -> bool:
        """HTTP/1.1 frames a request body by Content-Length or Transfer-Encoding; without either, none."""
        return (self.content_length is not None and self.content_length != "0") or bool(
            self.transfer_encoding
        )


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        max_body_bytes: int,
        accepted_media_types: Iterable[str] = JSON_MEDIA_TYPES,
        route_prefix: str = "",
    ) -> None:
        self.app = app
        self.route_prefix = route_prefix
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.accepted_media_types = frozenset(accepted_media_types)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        scope = with_ascii_digits(scope)
        headers = _RequestHeaders(scope)
        request_id = accept_request_id(headers.request_id)
        # Traced, the server span around this middleware has continued the caller's trace already.
        trace = current_trace() or continue_trace(headers.traceparent)
        request_id_var.set(request_id)
        traceparent_var.set(trace.header)
        # Nothing else is ever bound, so binding both replaces whatever an earlier request left.
        structlog.contextvars.bind_contextvars(request_id=request_id, trace_id=trace.trace_id)
        status_holder = [500]
        started_response = [False]
        echo = [(b"x-request-id", request_id.encode()), (b"traceparent", trace.header.encode())]

        async def send_with_context(message: Message) -> None:
            if message["type"] == "http.response.start":
                started_response[0] = True
                status_holder[0] = message["status"]
                if tracing_enabled():
                    # Now: the server span ends with the response's last byte, before `finally`.
                    name_server_span(scope["method"], self._route_template(scope), request_id)
                message["headers"] = [*message.get("headers", []), *echo]
            await send(message)

        try:
            rejection = self._reject_early(scope, headers)
            if rejection is not None:
                await rejection(scope, receive, send_with_context)
            else:
                limited = self._limited(receive) if headers.may_have_body else receive
                await self.app(scope, limited, send_with_context)
        except RequestTooLarge:
            if not started_response[0]:
                await self._too_large(scope)(scope, receive, send_with_context)
        except UnencodableText as refused:
            if not started_response[0]:
                answer = validation_failed_response([refused.field_error], scope["path"])
                await answer(scope, receive, send_with_context)
        except Exception as error:
            # The one place an unexpected error ends: logged with its scrubbed trace and route
            # template here (a path can hold a resident code), and the caller gets a problem with
            # the request id instead of a stack trace.
            if is_database_unavailable(error):
                log.warning(
                    "database_unavailable", route=self._route_template(scope), error=type(error).__name__
                )
            else:
                log.exception("unhandled_exception", route=self._route_template(scope))
            if not started_response[0]:
                await unexpected_error_response(error, scope["path"])(scope, receive, send_with_context)
        finally:
            seconds = time.perf_counter() - started
            self._observe(scope, status_holder[0], seconds, request_id, trace.trace_id)

    def _reject_early(self, scope: Scope, headers: _RequestHeaders) -> Response | None:
        path = scope["path"]
        parameter = unencodable_query_parameter(scope["query_string"])
        if parameter is not None:
            return validation_failed_response([UnencodableText("query", f"/{parameter}").field_error], path)
        length = headers.content_length
        if length is not None:
            if not (length.isascii() and length.isdigit()):
                return problem_response(
                    status=400,
                    slug="bad-request",
                    title="Bad request",
                    detail="Content-Length is not a number.",
                    instance=path,
                )
            if int(length) > self.max_body_bytes:
                return self._too_large(scope)
        if scope["method"].encode() in _BODY_METHODS:
            media_type = (headers.content_type or "").split(";")[0].strip().lower()
            if headers.may_have_body and media_type not in self.accepted_media_types:
                accepted = ", ".join(sorted(self.accepted_media_types))
                return problem_response(
                    status=415,
                    slug="unsupported-media-type",
                    title="Unsupported media type",
                    detail=f"Send the body as one of: {accepted}.",
                    instance=path,
                    headers={"Accept-Post": accepted},
                )
        return None

    def _too_large(self, scope: Scope) -> Response:
        return problem_response(
            status=413,
            slug="content-too-large",
            title="Content too large",
            detail=f"The request body exceeds {self.max_body_bytes} bytes.",
            instance=scope["path"],
        )

    def _limited(self, receive: Receive) -> Receive:
        """`receive`, refusing a body past the limit or holding text that cannot be stored."""
        limit = self.max_body_bytes
        seen = 0
        chunks: list[bytes] = []
        hinted = False

        async def receive_limited() -> Message:
            nonlocal seen, hinted
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    raise RequestTooLarge(limit)
                straddling = chunks[-1][-HINT_SPAN:] + chunk[:HINT_SPAN] if chunks else b""
                hinted = hinted or may_hold_unencodable_text(chunk) or may_hold_unencodable_text(straddling)
                chunks.append(chunk)
                if hinted and not message.get("more_body", False):
                    pointer = unencodable_text_pointer(b"".join(chunks))
                    if pointer is not None:
                        raise UnencodableText("body", pointer)
            return message

        return receive_limited

    def _route_template(self, scope: Scope) -> str:
        """The matched route's template (`/registry/v1/residents/{code}`), never the path itself."""
        route: str | None = getattr(scope.get("route"), "path", None)
        if route is None:
            return "unmatched"
        if self.route_prefix and scope["path"].startswith(self.route_prefix + "/"):
            # Included routers match on the rest of the path; the template is the full one.
            return self.route_prefix + route
        return route

    def _observe(self, scope: Scope, status: int, seconds: float, request_id: str, trace_id: str) -> None:
        template = self._route_template(scope)
        request_timer(self.service, scope["method"], template, status).observe(seconds)
        if scope["path"] in _QUIET_PATHS:
            return
        state = scope.get("state") or {}
        log_request(
            {
                "service": self.service,
                "method": scope["method"],
                "route": template,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client_id": state.get("client_id"),
                "request_id": request_id,
                "trace_id": trace_id,
            }
        )


class RetryReadsOnLostConnection:
    """A GET or HEAD that failed because its database connection had been closed runs once more.

    After a database restart every pooled connection is stale. SQLAlchemy finds out on the first
    statement sent on one, lets the pool's older connections go, and raises; a read has changed
    nothing, so it is answered from a fresh connection instead of with a 503. A write is not run
    again: it may have been committed before the connection went. Sits inside FastAPI's error
    layer, which would otherwise have answered already; a pool ping on every checkout would cost
    every request a round trip to spare the few after a restart.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as error:
            if started or not is_connection_lost(error):
                raise
            await self.app(scope, receive, send)
