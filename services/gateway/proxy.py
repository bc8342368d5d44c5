"""The proxy path: route on the first path segment, limit the caller's rate, stream both ways.

Plain ASGI with no framework in between, because every proxied request pays for it.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Mapping

import structlog
from starlette.types import Message, Receive, Scope, Send

from services.gateway.circuit import CircuitBreaker
from services.gateway.identity import CallerIdentifier
from services.gateway.ratelimit import RateLimiter
from services.gateway.settings import GatewaySettings
from services.gateway.upstream import Upstream, UpstreamError
from shared.web.context import accept_request_id, continue_trace, request_id_var
from shared.web.observability import RATE_LIMITED, UPSTREAM_FAILURES, log_request, request_timer
from shared.web.problems import problem_response

log = structlog.get_logger("jichi.gateway")

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
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
# The gateway's own server writes Date and Server: the upstream's would repeat them.
_DROP_RESPONSE = (HOP_BY_HOP - {b"content-length"}) | {b"x-request-id", b"traceparent", b"date", b"server"}
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class _BodyTooLarge(Exception):  # noqa: N818 - control flow
    pass


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
                threshold=settings.circuit_failure_threshold, cooldown=settings.circuit_cooldown_seconds
            )
            for name in upstreams
        }
        self.limiter = limiter
        self.identifier = identifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send, upstream_name: str) -> None:
        started = time.perf_counter()
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        request_id_header = traceparent_header = authorization = None
        forwarded: list[tuple[bytes, bytes]] = []
        for name, value in headers:
            if name in _DROP_REQUEST:
                if name == b"x-request-id":
                    request_id_header = value.decode("latin-1")
                elif name == b"traceparent":
                    traceparent_header = value.decode("latin-1")
                continue
            if name == b"authorization":
                authorization = value.decode("latin-1")
            forwarded.append((name, value))
        request_id = accept_request_id(request_id_header)
        request_id_var.set(request_id)
        trace = continue_trace(traceparent_header).header
        client_host = (scope.get("client") or ("unknown", 0))[0]
        forwarded += [
            (b"x-request-id", request_id.encode()),
            (b"traceparent", trace.encode()),
            (b"x-forwarded-for", client_host.encode()),
            (b"x-forwarded-proto", scope.get("scheme", "http").encode()),
        ]
        echo = [(b"x-request-id", request_id.encode()), (b"traceparent", trace.encode())]
        caller = await self.identifier.identify(authorization)
        status = await self._forward(
            scope,
            receive,
            send,
            upstream_name,
            forwarded,
            echo,
            caller.client_id if caller else None,
            caller.rate_limit_per_second if caller else None,
            client_host,
        )
        seconds = time.perf_counter() - started
        request_timer("gateway", scope["method"], f"/{upstream_name}/*", status).observe(seconds)
        log_request(
            {
                "service": "gateway",
                "request_id": request_id,
                "method": scope["method"],
                "path": scope["path"],
                "upstream": upstream_name,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client_id": caller.client_id if caller else None,
            }
        )

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        upstream_name: str,
        headers: list[tuple[bytes, bytes]],
        echo: list[tuple[bytes, bytes]],
        client_id: str | None,
        client_rate: float | None,
        client_host: str,
    ) -> int:
        path = scope["path"]

        async def answer(status: int, slug: str, title: str, detail: str, extra: dict[str, str]) -> int:
            response = problem_response(
                status=status, slug=slug, title=title, detail=detail, instance=path, headers=extra
            )
            response.raw_headers.extend(echo)
            await response(scope, receive, send)
            return status

        settings = self.settings
        if client_id is not None:
            key, rate = f"client:{client_id}", client_rate or settings.rate_limit_per_second
            burst = max(settings.rate_limit_burst, math.ceil(rate * 2))
        else:
            key, rate, burst = f"address:{client_host}", *_anonymous(settings)
        wait = await self.limiter.acquire(key, rate, burst)
        if wait > 0:
            RATE_LIMITED.inc()
            retry = str(max(1, math.ceil(wait)))
            return await answer(
                429,
                "too-many-requests",
                "Too many requests",
                f"The rate limit of {rate:g} requests per second is exceeded; retry in {retry} s.",
                {"Retry-After": retry},
            )
        breaker = self.breakers[upstream_name]
        if not breaker.allow():
            UPSTREAM_FAILURES.labels(upstream_name, "circuit-open").inc()
            return await answer(
                503,
                "upstream-circuit-open",
                "Service unavailable",
                f"The {upstream_name} service is failing; requests are paused for a few seconds.",
                {"Retry-After": str(breaker.retry_after())},
            )
        method = scope["method"]
        target = scope["raw_path"] or path.encode()
        if scope["query_string"]:
            target += b"?" + scope["query_string"]
        upstream = self.upstreams[upstream_name]
        try:
            body = await self._request_body(receive, buffer=method in IDEMPOTENT_METHODS)
            response = await upstream.send(
                method, target, headers, body, retry_stale=method in IDEMPOTENT_METHODS or body is None
            )
        except _BodyTooLarge:
            return await answer(
                413,
                "content-too-large",
                "Content too large",
                f"The request body exceeds {settings.max_body_bytes} bytes.",
                {},
            )
        except UpstreamError as error:
            breaker.record_failure()
            UPSTREAM_FAILURES.labels(upstream_name, error.kind).inc()
            if error.kind == "timeout":
                return await answer(504, "gateway-timeout", "Upstream timed out", str(error), {})
            return await answer(502, "bad-gateway", "Upstream unavailable", str(error), {})
        breaker.record_success()
        response_headers = [(n, v) for n, v in response.headers if n not in _DROP_RESPONSE]
        response_headers.extend(echo)
        await send({"type": "http.response.start", "status": response.status, "headers": response_headers})
        whole = response.whole_body()
        if whole is not None:
            await send({"type": "http.response.body", "body": whole, "more_body": False})
            return response.status
        try:
            async for chunk in response.body():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except UpstreamError as error:
            UPSTREAM_FAILURES.labels(upstream_name, error.kind).inc()
            raise
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return response.status

    async def _request_body(self, receive: Receive, *, buffer: bool) -> bytes | AsyncIterator[bytes] | None:
        limit = self.settings.max_body_bytes
        first: Message = await receive()
        chunk = first.get("body", b"")
        if not first.get("more_body", False):
            if len(chunk) > limit:
                raise _BodyTooLarge
            return chunk or None
        if buffer:
            parts = [chunk]
            size = len(chunk)
            more = True
            while more:
                message = await receive()
                part = message.get("body", b"")
                size += len(part)
                if size > limit:
                    raise _BodyTooLarge
                parts.append(part)
                more = message.get("more_body", False)
            return b"".join(parts)
        return _stream(chunk, receive, limit)


async def _stream(first: bytes, receive: Receive, limit: int) -> AsyncIterator[bytes]:
    yield first
    size = len(first)
    while True:
        message = await receive()
        part = message.get("body", b"")
        size += len(part)
        if size > limit:
            raise _BodyTooLarge
        yield part
        if not message.get("more_body", False):
            return


def _anonymous(settings: GatewaySettings) -> tuple[float, int]:
    return settings.anonymous_rate_limit_per_second, settings.anonymous_rate_limit_burst
