"""The proxy path: route on the first path segment, limit the caller's rate, stream both ways.

Plain ASGI with no framework in between, because every proxied request pays for it. HTTP
itself is parsed and framed by maintained code only: granian on the caller's side (with its
header, size and time bounds switched on, `services.gateway.server`), aiohttp towards the
upstreams (`services.gateway.upstream`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import aiohttp
import structlog
from starlette.types import Message, Receive, Scope, Send

from services.gateway.circuit import CircuitBreaker
from services.gateway.client_address import ClientAddresses, parse_networks
from services.gateway.identity import CallerIdentifier
from services.gateway.metrics import ABORTED_REQUESTS, RATE_LIMITED, UPSTREAM_FAILURES
from services.gateway.ratelimit import Limit, RateLimiter
from services.gateway.settings import GatewaySettings
from services.gateway.upstream import Upstream, UpstreamError
from shared.web.context import accept_request_id, continue_trace, request_id_var
from shared.web.observability import log_request, request_timer
from shared.web.problems import problem_response
from shared.web.tracing import current_trace, name_server_span

log = structlog.get_logger("jichi.gateway")

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
        # The gateway's own server answers an expectation; the upstream never sees one.
        b"expect",
    }
)
# A caller must not be able to speak for someone else, or for the gateway.
CALLER_SUPPLIED_IDENTITY = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-forwarded-port",
        b"x-real-ip",
        b"x-client-id",
        b"x-request-id",
        b"traceparent",
    }
)
_DROP_REQUEST = HOP_BY_HOP | CALLER_SUPPLIED_IDENTITY
# The gateway's own server writes Date and Server, and the framing of its own answer.
_DROP_RESPONSE = HOP_BY_HOP | {b"x-request-id", b"traceparent", b"date", b"server"}
# Headers that may carry an upstream's own address back to the caller.
_LOCATION_HEADERS = frozenset({b"location", b"content-location"})
# Methods whose request may be sent again: their body is buffered so a retry has it.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Answers that carry no body, and so no Content-Length (RFC 9110 §8.6).
_NO_CONTENT_STATUSES = frozenset({204, 304})
# Answers up to this size are read whole and sent in one message; larger ones stream.
WHOLE_BODY_BYTES = 1_048_576


class _BodyTooLarge(Exception):  # noqa: N818 - control flow
    pass


class _ClientGone(Exception):  # noqa: N818 - control flow
    pass


class _BodyTimedOut(Exception):  # noqa: N818 - control flow
    pass


_BodyFailure = _BodyTooLarge | _ClientGone | _BodyTimedOut
_Answer = Callable[..., Awaitable[int]]


@dataclass
class _RequestBody:
    """Reads the caller's body through ASGI, within its size and time bounds.

    A body that did not fully arrive is never passed on as if it had: the stream raises, which
    makes aiohttp abandon the upstream request and close its connection, so nothing is committed.
    """

    receive: Receive
    limit: int
    read_timeout: float
    deadline: float
    size: int = 0
    failure: _BodyFailure | None = field(default=None)

    async def next_part(self) -> tuple[bytes, bool]:
        remaining = self.deadline - time.monotonic()
        try:
            async with asyncio.timeout(min(self.read_timeout, max(0.0, remaining))):
                message: Message = await self.receive()
        except TimeoutError:
            raise self._fail(_BodyTimedOut()) from None
        if message["type"] == "http.disconnect":
            raise self._fail(_ClientGone())
        part: bytes = message.get("body", b"")
        self.size += len(part)
        if self.size > self.limit:
            raise self._fail(_BodyTooLarge())
        return part, bool(message.get("more_body", False))

    def _fail(self, failure: _BodyFailure) -> _BodyFailure:
        self.failure = failure
        return failure

    async def whole(self, first: bytes) -> bytes:
        parts = [first]
        more = True
        while more:
            part, more = await self.next_part()
            parts.append(part)
        return b"".join(parts)

    async def stream(self, first: bytes) -> AsyncIterator[bytes]:
        if first:
            yield first
        more = True
        while more:
            part, more = await self.next_part()
            if part:
                yield part


@dataclass(frozen=True, slots=True)
class _Request:
    """What the proxy keeps of one caller's request."""

    upstream: str
    method: str
    path: str
    target: str
    headers: list[tuple[str, str]]
    echo: list[tuple[bytes, bytes]]
    declared_length: int | None
    has_body: bool
    expectation: bytes | None


class Proxy:
    def __init__(
        self,
        settings: GatewaySettings,
        upstreams: Mapping[str, Upstream],
        limiter: RateLimiter,
        identifier: CallerIdentifier,
    ) -> None:
        self.settings = settings
        self.upstreams = upstreams
        self.breakers = {
            name: CircuitBreaker(
                name,
                threshold=settings.circuit_failure_threshold,
                cooldown=settings.circuit_cooldown_seconds,
            )
            for name in upstreams
        }
        self.limiter = limiter
        self.identifier = identifier
        self.addresses = ClientAddresses(parse_networks(settings.trusted_proxies))
        self.anonymous_limit = Limit(
            "anonymous", settings.anonymous_rate_limit_per_second, settings.anonymous_rate_limit_burst
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send, upstream_name: str) -> None:
        started = time.perf_counter()
        request_id_header = traceparent_header = authorization = None
        forwarded_for: list[bytes] = []
        declared_length: int | None = None
        expectation: bytes | None = None
        chunked = False
        headers: list[tuple[str, str]] = []
        for name, value in scope["headers"]:
            if name in _DROP_REQUEST:
                if name == b"x-request-id":
                    request_id_header = value.decode("latin-1")
                elif name == b"traceparent":
                    traceparent_header = value.decode("latin-1")
                elif name == b"x-forwarded-for":
                    forwarded_for.append(value)
                elif name == b"content-length":
                    declared_length = int(value)  # the server has checked it is one plain number
                elif name == b"expect":
                    expectation = value.lower()
                elif name == b"transfer-encoding":
                    chunked = True
                continue
            if name == b"authorization":
                authorization = value.decode("latin-1")
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
        request_id = accept_request_id(request_id_header)
        request_id_var.set(request_id)
        trace = (current_trace() or continue_trace(traceparent_header)).header
        peer = (scope.get("client") or ("unknown", 0))[0]
        client_host = self.addresses.resolve(peer, forwarded_for)
        headers += [
            ("x-request-id", request_id),
            ("traceparent", trace),
            ("x-forwarded-for", client_host),
            ("x-forwarded-proto", scope.get("scheme", "http")),
        ]
        target = scope.get("raw_path") or scope["path"].encode()
        if scope["query_string"]:
            target += b"?" + scope["query_string"]
        request = _Request(
            upstream=upstream_name,
            method=scope["method"],
            path=scope["path"],
            target=target.decode("latin-1"),
            headers=headers,
            echo=[(b"x-request-id", request_id.encode()), (b"traceparent", trace.encode())],
            declared_length=declared_length,
            # RFC 9112 §6.3: without either header an HTTP/1.1 request has no body.
            has_body=chunked or bool(declared_length),
            expectation=expectation,
        )
        caller = await self.identifier.identify(authorization)
        if caller is not None:
            rate = caller.rate_limit_per_second or self.settings.rate_limit_per_second
            limit = Limit("client", rate, max(self.settings.rate_limit_burst, math.ceil(rate * 2)))
            key = f"client:{caller.client_id}"
        else:
            limit, key = self.anonymous_limit, f"address:{client_host}"
        name_server_span(request.method, f"/{upstream_name}/*", request_id)
        status = await self._forward(request, scope, receive, send, limit, key)
        seconds = time.perf_counter() - started
        request_timer("gateway", request.method, f"/{upstream_name}/*", status).observe(seconds)
        # No path: it can carry personal data. The upstream's line has the route, under the same id.
        log_request(
            {
                "service": "gateway",
                "request_id": request_id,
                "method": request.method,
                "upstream": upstream_name,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client_id": caller.client_id if caller else None,
            }
        )

    async def _forward(
        self, request: _Request, scope: Scope, receive: Receive, send: Send, limit: Limit, key: str
    ) -> int:
        decision = await self.limiter.acquire(key, limit)
        echo = [
            *request.echo,
            (b"ratelimit-policy", limit.policy_header()),
            (b"ratelimit", limit.state_header(decision)),
        ]

        async def answer(
            status: int, slug: str, title: str, detail: str, extra: dict[str, str] | None = None
        ) -> int:
            response = problem_response(
                status=status, slug=slug, title=title, detail=detail, instance=request.path, headers=extra
            )
            response.raw_headers.extend(echo)
            await response(scope, receive, send)
            return status

        if not decision.allowed:
            RATE_LIMITED.labels(limit.name).inc()
            retry = str(max(1, math.ceil(decision.wait)))
            return await answer(
                429,
                "too-many-requests",
                "Too many requests",
                f"The rate limit of {limit.rate_per_second:g} requests per second is exceeded; "
                f"retry in {retry} s.",
                {"Retry-After": retry},
            )
        if request.expectation is not None and request.expectation != b"100-continue":
            return await answer(
                417, "expectation-failed", "Expectation failed", "Only `Expect: 100-continue` is understood."
            )
        body_limit = self.settings.upstream_body_limits.get(request.upstream, self.settings.max_body_bytes)
        if request.declared_length is not None and request.declared_length > body_limit:
            return await answer(*_too_large(body_limit))
        breaker = self.breakers[request.upstream]
        if not breaker.admit():
            UPSTREAM_FAILURES.labels(request.upstream, "circuit-open").inc()
            return await answer(
                503,
                "upstream-circuit-open",
                "Service unavailable",
                f"The {request.upstream} service is failing; requests are paused for a few seconds.",
                {"Retry-After": str(breaker.retry_after())},
            )
        outcome: bool | None = None
        try:
            status, outcome = await self._exchange(request, receive, send, body_limit, echo, answer)
            return status
        finally:
            breaker.settle(outcome)

    async def _exchange(
        self,
        request: _Request,
        receive: Receive,
        send: Send,
        body_limit: int,
        echo: list[tuple[bytes, bytes]],
        answer: _Answer,
    ) -> tuple[int, bool | None]:
        """Send the request and pass the answer back.

        Returns the status and what it says of the upstream's health:
        True it answered, False it failed, None the request never fairly reached it.
        """
        settings = self.settings
        upstream = self.upstreams[request.upstream]
        body = _RequestBody(
            receive, body_limit, settings.body_read_timeout, time.monotonic() + settings.body_total_timeout
        )
        try:
            content: bytes | AsyncIterator[bytes] | None = None
            first, more = await body.next_part() if request.has_body else (b"", False)
            if not more:
                content = first or None
            elif request.method in IDEMPOTENT_METHODS:
                content = await body.whole(first)
            else:
                content = body.stream(first)
            response = await upstream.send(request.method, request.target, request.headers, content)
        except (_BodyTooLarge, _BodyTimedOut, _ClientGone) as failure:
            return await self._abandoned(failure, body_limit, answer), None
        except UpstreamError as error:
            # aiohttp reports the body's own failure as a broken send: then the body is the cause.
            if body.failure is not None:
                return await self._abandoned(body.failure, body_limit, answer), None
            UPSTREAM_FAILURES.labels(request.upstream, error.kind).inc()
            if error.kind == "timeout":
                return await answer(504, "gateway-timeout", "Upstream timed out", str(error)), False
            return await answer(502, "bad-gateway", "Upstream unavailable", str(error)), False
        return await self._respond(request, upstream, response, send, echo, answer), True

    async def _respond(
        self,
        request: _Request,
        upstream: Upstream,
        response: aiohttp.ClientResponse,
        send: Send,
        echo: list[tuple[bytes, bytes]],
        answer: _Answer,
    ) -> int:
        headers = [
            (name.lower(), value)
            for name, value in response.raw_headers
            if name.lower() not in _DROP_RESPONSE
        ]
        headers = [
            (name, _without_origin(value, upstream.origin) if name in _LOCATION_HEADERS else value)
            for name, value in headers
        ]
        headers.extend(echo)
        try:
            if response.content_length is not None and response.content_length <= WHOLE_BODY_BYTES:
                try:
                    whole = await upstream.whole_body(response)
                except UpstreamError as error:
                    UPSTREAM_FAILURES.labels(request.upstream, error.kind).inc()
                    return await answer(502, "bad-gateway", "Upstream answer broke off", str(error))
                if response.status not in _NO_CONTENT_STATUSES:
                    # A HEAD answer keeps the length of the body it describes.
                    length = response.content_length if request.method == "HEAD" else len(whole)
                    headers.append((b"content-length", str(length).encode()))
                await send({"type": "http.response.start", "status": response.status, "headers": headers})
                await send({"type": "http.response.body", "body": whole, "more_body": False})
                return response.status
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            try:
                async for chunk in upstream.body_chunks(response):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except UpstreamError as error:
                # The head has gone out: all that is left is to cut the caller's connection.
                UPSTREAM_FAILURES.labels(request.upstream, error.kind).inc()
                raise
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return response.status
        finally:
            # A body not read to its end closes the connection instead of pooling it.
            response.release()

    async def _abandoned(self, failure: _BodyFailure, body_limit: int, answer: _Answer) -> int:
        """Answer for a body that did not arrive whole; the upstream request was abandoned."""
        if isinstance(failure, _BodyTooLarge):
            return await answer(*_too_large(body_limit))
        if isinstance(failure, _ClientGone):
            ABORTED_REQUESTS.labels("incomplete-body").inc()
            # Usually nobody is left to read this; but the server also ends a body it could not
            # parse (a chunk size that overflows) this way, and then the caller is still there.
            return await answer(
                400,
                "incomplete-body",
                "Incomplete request body",
                "The request body ended before it was complete; the request was abandoned and "
                "nothing was applied.",
                {"Connection": "close"},
            )
        ABORTED_REQUESTS.labels("body-timeout").inc()
        return await answer(
            408,
            "request-timeout",
            "Request timeout",
            "The request body did not arrive in time; the request was abandoned and nothing was applied.",
            {"Connection": "close"},
        )


def _too_large(limit: int) -> tuple[int, str, str, str]:
    return 413, "content-too-large", "Content too large", f"The request body exceeds {limit} bytes."


def _without_origin(value: bytes, origin: str) -> bytes:
    """A location on the upstream, made relative: no internal address leaves the gateway."""
    prefix = origin.encode()
    if value.startswith(prefix) and value[len(prefix) : len(prefix) + 1] in (b"", b"/", b"?"):
        return value[len(prefix) :] or b"/"
    return value
