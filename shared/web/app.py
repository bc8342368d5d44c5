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

from shared.auth.revocations import HttpRevocationSource, RevocationCache, RevocationSource
from shared.auth.scopes import SCOPES
from shared.auth.tokens import HttpJwksSource, JwksSource, TokenVerifier
from shared.db.engine import Database, create_engine, resolve_database_url
from shared.settings import ServiceSettings
from shared.web.conditional import ConditionalGet
from shared.web.docs import mount_docs
from shared.web.idempotency import ReplayedResponse, answer_replay
from shared.web.middleware import JSON_MEDIA_TYPES, RequestContextMiddleware, RetryReadsOnLostConnection
from shared.web.observability import configure_logging, metrics_endpoint, serving_metrics
from shared.web.openapi import Operations, complete_document
from shared.web.pagination import PageTokenCodec
from shared.web.problems import install_problem_handlers, problem_response
from shared.web.state import ServiceState, state_of
from shared.web.tracing import start_tracing_from_environment, trace_engine, trace_httpx, traced_app

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
    every 700 cut the registry's CPU per lookup measurably.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def install_health(app: FastAPI, readiness: Callable[[], Any], *, metrics_on_api_port: bool = True) -> None:
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
    if metrics_on_api_port:
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
    operations: Operations | None = None,
    examples: Mapping[str, Any] | None = None,
    version: str = "1.0.0",
) -> FastAPI:
    """A service app: its routes under `/<name>/v1`, problems, auth, health, metrics, docs.

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
        trace_engine(database.engine)
        http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
        trace_httpx(http)
        revocations = RevocationCache(
            revocation_source or HttpRevocationSource(settings.revocations_url, http),
            refresh_seconds=settings.revocations_refresh_seconds,
            max_age_seconds=settings.revocations_max_age_seconds,
        )
        app.state.service = ServiceState(
            settings=settings,
            database=database,
            http=http,
            page_codec=PageTokenCodec(settings.page_token_secret.get_secret_value()),
            token_verifier=TokenVerifier(
                jwks_source or HttpJwksSource(settings.jwks_url, http),
                revocations=revocations,
                issuer=settings.token_issuer,
                audience=name,
            ),
            idempotency_table=idempotency_table,
        )
        try:
            async with (
                revocations.refreshing(),
                serving_metrics(settings.metrics_port),
                startup(app) if startup is not None else nullcontext(),
            ):
                settle_garbage_collector()
                yield
        finally:
            await http.aclose()
            await database.dispose()

    # Now as well as in the lifespan: uvicorn calls the factory before its first lines
    # ("Started server process"); a server configured after the app was built (the tests')
    # resets its loggers, and the lifespan's call routes them again.
    configure_logging(settings.log_level, json=settings.log_json)
    start_tracing_from_environment(name)

    def operation_id(route: APIRoute) -> str:
        return f"{name}_{route.name}"

    app = FastAPI(
        middleware=[
            Middleware(traced_app),
            Middleware(
                RequestContextMiddleware,
                service=name,
                max_body_bytes=settings.max_body_bytes,
                accepted_media_types=JSON_MEDIA_TYPES,
                route_prefix=api_prefix(name),
            ),
            Middleware(ConditionalGet),
            Middleware(RetryReadsOnLostConnection),
        ],
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
    app.add_exception_handler(ReplayedResponse, answer_replay)
    for router in routers:
        app.include_router(router, prefix=api_prefix(name))

    async def readiness() -> None:
        await state_of(app).database.ping()

    install_health(app, readiness, metrics_on_api_port=settings.metrics_port is None)
    install_openapi(
        app,
        operations=operations or {},
        scopes={scope: meaning for scope, meaning in SCOPES.items() if scope.startswith(f"{name}:")},
        examples=examples or {},
    )
    mount_docs(app, docs_path=f"/{name}/docs", openapi_url=f"/{name}/openapi.json", title=title)
    return app
