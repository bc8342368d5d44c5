"""The one way a service's FastAPI application is assembled, so every service behaves alike."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import Table
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from shared.auth.revocations import HttpRevocationSource, RevocationCache, RevocationSource
from shared.auth.scopes import SCOPES
from shared.auth.tokens import HttpJwksSource, JwksSource, TokenVerifier
from shared.db.engine import Database, create_engine, resolve_database_url
from shared.settings import ServiceSettings
from shared.web.docs import mount_docs
from shared.web.middleware import JSON_MEDIA_TYPES, RequestContextMiddleware, RetryReadsOnLostConnection
from shared.web.observability import configure_logging, metrics_endpoint
from shared.web.openapi import Operations, complete_document
from shared.web.pagination import PageTokenCodec
from shared.web.problems import install_problem_handlers, problem_response

Startup = Callable[[FastAPI], AbstractAsyncContextManager[None]]

# Traces are continued by our own request context (traceparent) and requests are measured by
# Prometheus; FastAPI's OpenTelemetry instruments would only ask, on every request, whether a
# provider exists.
WITHOUT_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def api_prefix(service: str) -> str:
    return f"/{service}/v1"


def settle_garbage_collector() -> None:
    """Called once startup is done, in every process that serves requests.

    What exists by then (modules, routes, tables, the app) lives as long as the process: frozen,
    the collector stops walking it on every full collection, which otherwise cost a large
    request (a bulk read) a fifth of its time. And a request allocates hundreds of short-lived
    objects, few in cycles: collecting the young generation every 50,000 allocations instead of
    every 700 cut the registry's CPU per lookup by 5-10% (196-211 against 220-223 µs).
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def install_health(app: FastAPI, readiness: Callable[[], Any]) -> None:
    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(_request: Request) -> Response:
        try:
            async with asyncio.timeout(2.0):
                await readiness()
        except Exception as exc:
            return problem_response(
                status=503,
                slug="not-ready",
                title="Not ready",
                detail=f"Dependency check failed: {type(exc).__name__}.",
                instance="/readyz",
            )
        return JSONResponse({"status": "ready"})

    app.add_route("/healthz", healthz, include_in_schema=False)
    app.add_route("/readyz", readyz, include_in_schema=False)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)


def install_openapi(
    app: FastAPI,
    *,
    operations: Operations,
    scopes: Mapping[str, str],
    examples: Mapping[str, Any],
    proxied: bool = True,
) -> None:
    """The document FastAPI derives, completed (shared/web/openapi.py) and built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                servers=app.servers,
                separate_input_output_schemas=False,
            )
            app.openapi_schema = complete_document(
                schema,
                routes=app.routes,
                operations=operations,
                scopes=scopes,
                examples=examples,
                proxied=proxied,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


class ServiceApp(FastAPI):
    """FastAPI inside `outer_middleware`: the request context and a service's hottest reads
    wrap FastAPI's own error, telemetry and body-limit layers, which a read answered in front
    of them (the registry's current record, ~8 µs) does not pass through."""

    def __init__(self, *, outer_middleware: Sequence[Middleware], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outer_middleware = list(outer_middleware)

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for middleware in reversed(self.outer_middleware):
            app = middleware.cls(app, *middleware.args, **middleware.kwargs)
        return app


def create_service_app(
    *,
    name: str,
    title: str,
    description: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    idempotency_table: Table | None = None,
    jwks_source: JwksSource | None = None,
    revocation_source: RevocationSource | None = None,
    startup: Startup | None = None,
    front_middleware: Sequence[Middleware] = (),
    operations: Operations | None = None,
    examples: Mapping[str, Any] | None = None,
    version: str = "1.0.0",
) -> FastAPI:
    """A service app: its routes under `/<name>/v1`, problems, auth, health, metrics, docs.

    `front_middleware` (outermost first) runs inside the request context, where the request id,
    trace, access log and metrics are set up, and in front of FastAPI's own layers.
    `operations` pins each operation's id and declares its problem types and headers;
    `examples` are the recorded examples of its document (services/<name>/operations.py).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level, json=settings.log_json)
        database = Database(
            create_engine(
                resolve_database_url(name, settings.database_url),
                statement_cache_size=settings.db_statement_cache_size,
                pool_size=settings.db_pool_size + settings.db_hot_connections,
            ),
            hot_connections=settings.db_hot_connections,
        )
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
        app.state.settings = settings
        app.state.database = database
        app.state.http = http
        app.state.idempotency_table = idempotency_table
        app.state.page_codec = PageTokenCodec(settings.page_token_secret.get_secret_value())
        revocations = RevocationCache(
            revocation_source or HttpRevocationSource(settings.revocations_url, http),
            refresh_seconds=settings.revocations_refresh_seconds,
            max_age_seconds=settings.revocations_max_age_seconds,
        )
        app.state.token_verifier = TokenVerifier(
            jwks_source or HttpJwksSource(settings.jwks_url, http),
            revocations=revocations,
            issuer=settings.token_issuer,
            audience=name,
        )
        try:
            async with (
                revocations.refreshing(),
                startup(app) if startup is not None else nullcontext(),
            ):
                settle_garbage_collector()
                yield
        finally:
            await http.aclose()
            await database.dispose()

    def operation_id(route: APIRoute) -> str:
        return f"{name}_{route.name}"

    app = ServiceApp(
        outer_middleware=[
            Middleware(
                RequestContextMiddleware,
                service=name,
                max_body_bytes=settings.max_body_bytes,
                accepted_media_types=JSON_MEDIA_TYPES,
                route_prefix=api_prefix(name),
            ),
            *front_middleware,
        ],
        middleware=[Middleware(RetryReadsOnLostConnection)],
        title=title,
        description=description,
        version=version,
        openapi_url=f"/{name}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        telemetry=WITHOUT_OPENTELEMETRY,
    )
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router, prefix=api_prefix(name))

    async def readiness() -> None:
        await app.state.database.ping()

    install_health(app, readiness)
    install_openapi(
        app,
        operations=operations or {},
        scopes={scope: meaning for scope, meaning in SCOPES.items() if scope.startswith(f"{name}:")},
        examples=examples or {},
    )
    mount_docs(app, docs_path=f"/{name}/docs", openapi_url=f"/{name}/openapi.json", title=title)
    return app
