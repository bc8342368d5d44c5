"""The gateway's ASGI application, served by granian (`python -m services.gateway serve`).

Requests whose first path segment names a service go down the proxy path; everything else
(token endpoint, JWKS, merged OpenAPI and docs, health) is served by the gateway's own FastAPI app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

import services.gateway
from services.gateway import oauth, problem_pages, revocations
from services.gateway.identity import CallerIdentifier
from services.gateway.keys import KeyRing
from services.gateway.openapi import EXAMPLES, OPERATIONS, MergedOpenAPI
from services.gateway.proxy import Proxy
from services.gateway.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from services.gateway.settings import UPSTREAM_NAMES, GatewaySettings
from services.gateway.token_guard import TokenGuard
from services.gateway.upstream import Upstream, UpstreamLimits
from shared.auth.revocations import RevocationCache
from shared.auth.scopes import SCOPES
from shared.db.engine import Database, create_engine, resolve_database_url
from shared.web.app import WITHOUT_OPENTELEMETRY, install_openapi, settle_garbage_collector
from shared.web.docs import mount_docs
from shared.web.middleware import JSON_MEDIA_TYPES, RequestContextMiddleware
from shared.web.observability import configure_logging, metrics_endpoint, serving_metrics
from shared.web.problems import install_problem_handlers, problem_response
from shared.web.tracing import start_tracing_from_environment, trace_engine, trace_httpx, traced_app

SERVICE = "gateway"
ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
FORM = "application/x-www-form-urlencoded"


def _upstream_limits(settings: GatewaySettings) -> UpstreamLimits:
    return UpstreamLimits(
        connect_timeout=settings.upstream_connect_timeout,
        read_timeout=settings.upstream_read_timeout,
        idle_timeout=settings.upstream_idle_timeout,
        max_connections=settings.upstream_max_connections,
    )


class Gateway:
    """The ASGI entry point: dispatch on the first path segment."""

    def __init__(self, api: FastAPI) -> None:
        self.api = api
        self._app = traced_app(self._dispatch)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if not path.startswith("/"):
                await _asterisk_form(scope, receive, send)
                return
            first = path.split("/", 2)[1]
            if first in UPSTREAM_NAMES:
                await self.api.state.proxy(scope, receive, send, first)
                return
        await self.api(scope, receive, send)


async def _asterisk_form(scope: Scope, receive: Receive, send: Send) -> None:
    """`OPTIONS *` asks what the server as a whole can do (RFC 9110 §9.3.7); nothing else has no path."""
    if scope["method"] == "OPTIONS":
        response = Response(status_code=204, headers={"Allow": ALLOWED_METHODS})
    else:
        response = problem_response(
            status=400,
            slug="bad-request",
            title="Bad request",
            detail="Only OPTIONS may name `*` as its target.",
        )
    await response(scope, receive, send)


def create_api(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level, json=settings.log_json)
        database = Database(
            create_engine(
                resolve_database_url(SERVICE, settings.database_url),
                statement_cache_size=settings.db_statement_cache_size,
                pool_size=settings.db_pool_size,
            )
        )
        trace_engine(database.engine)
        http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
        trace_httpx(http)
        keyring = KeyRing(
            database,
            secret=settings.key_encryption_secret.get_secret_value(),
            token_ttl=settings.token_ttl_seconds,
            cache_seconds=settings.key_cache_seconds,
        )
        revoked = RevocationCache(
            revocations.DatabaseRevocationSource(database, token_ttl=settings.token_ttl_seconds),
            refresh_seconds=settings.revocations_refresh_seconds,
            max_age_seconds=settings.revocations_max_age_seconds,
        )
        limiter: RateLimiter = (
            RedisRateLimiter(settings.redis_url) if settings.redis_url else MemoryRateLimiter()
        )
        urls = settings.upstream_urls()
        limits = _upstream_limits(settings)
        upstreams = {name: Upstream(name, url, limits) for name, url in urls.items()}
        app.state.settings = settings
        app.state.database = database
        app.state.keyring = keyring
        app.state.revocations = revoked
        app.state.http = http
        app.state.upstream_urls = urls
        app.state.merged_openapi = MergedOpenAPI(http, urls)
        proxy = Proxy(settings, upstreams, limiter, CallerIdentifier(keyring, settings.issuer, revoked))
        app.state.proxy = proxy
        app.state.client_addresses = proxy.addresses
        app.state.token_guard = TokenGuard(settings, limiter)
        settle_garbage_collector()
        try:
            async with revoked.refreshing(), serving_metrics(settings.metrics_port):
                yield
        finally:
            for upstream in upstreams.values():
                await upstream.close()
            await limiter.close()
            await http.aclose()
            await database.dispose()

    app = FastAPI(
        title="jichi gateway",
        description=services.gateway.__doc__ or "",
        version="1.0.0",
        openapi_url="/gateway/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=lambda route: f"gateway_{route.name}",
        telemetry=WITHOUT_OPENTELEMETRY,
    )
    install_problem_handlers(app)
    app.include_router(oauth.router)
    app.include_router(revocations.router)
    app.include_router(problem_pages.router)
    install_openapi(app, operations=OPERATIONS, scopes=SCOPES, examples=EXAMPLES, proxied=False)

    async def merged_openapi(request: Request) -> Response:
        document = await request.app.state.merged_openapi.document(app.openapi())
        return JSONResponse(document)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(request: Request) -> Response:
        report: dict[str, Any] = {}
        try:
            async with asyncio.timeout(2.0):
                await request.app.state.database.ping()
            report["database"] = "ready"
        except Exception:
            report["database"] = "unreachable"
        checks = await asyncio.gather(
            *(
                _upstream_ready(request.app.state.http, url)
                for url in request.app.state.upstream_urls.values()
            )
        )
        report["upstreams"] = dict(zip(request.app.state.upstream_urls, checks, strict=True))
        if report["database"] != "ready":
            return problem_response(
                status=503,
                slug="not-ready",
                title="Not ready",
                detail="The gateway's database does not answer.",
                instance="/readyz",
                extensions=report,
            )
        # An upstream that is down makes the gateway degraded, not unready: taking every gateway
        # replica out of rotation would stop the other services too.
        healthy = all(state == "ready" for state in report["upstreams"].values())
        return JSONResponse({"status": "ready" if healthy else "degraded", **report})

    app.add_route("/openapi.json", merged_openapi, include_in_schema=False)
    app.add_route("/healthz", healthz, include_in_schema=False)
    app.add_route("/readyz", readyz, include_in_schema=False)
    if settings.metrics_port is None:
        app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    mount_docs(app, docs_path="/docs", openapi_url="/openapi.json", title="jichi")
    app.add_middleware(
        RequestContextMiddleware,
        service=SERVICE,
        max_body_bytes=settings.max_body_bytes,
        accepted_media_types=JSON_MEDIA_TYPES | {FORM},
    )
    return app


async def _upstream_ready(http: httpx.AsyncClient, url: str) -> str:
    try:
        response = await http.get(f"{url}/readyz", timeout=2.0)
    except httpx.HTTPError:
        return "unreachable"
    return "ready" if response.status_code == 200 else "not-ready"


def create_app(settings: GatewaySettings | None = None) -> Gateway:
    start_tracing_from_environment(SERVICE)
    return Gateway(create_api(settings or GatewaySettings()))
