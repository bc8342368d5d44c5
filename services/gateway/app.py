"""The gateway's ASGI application, served by granian (`python -m services.gateway serve`).

Requests whose first path segment names a service go down the proxy path; everything else
(token endpoint, JWKS, merged OpenAPI and docs, health) is served by the gateway's own FastAPI app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

import services.gateway
from services.gateway import oauth, problem_pages, revocations
from services.gateway.health import install_probes
from services.gateway.openapi import EXAMPLES, OPERATIONS
from services.gateway.settings import UPSTREAM_NAMES, GatewaySettings
from services.gateway.startup import running_gateway
from services.gateway.state import SERVICE, gateway_state
from shared.auth.scopes import SCOPES
from shared.web.app import WITHOUT_OPENTELEMETRY, install_openapi, settle_garbage_collector
from shared.web.docs import mount_docs
from shared.web.middleware import JSON_MEDIA_TYPES, RequestContextMiddleware
from shared.web.observability import configure_logging, metrics_endpoint, serving_metrics
from shared.web.problems import install_problem_handlers, problem_response
from shared.web.tracing import start_tracing_from_environment, traced_app

ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
FORM = "application/x-www-form-urlencoded"


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
                await gateway_state(self.api).proxy(scope, receive, send, first)
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
        async with running_gateway(settings) as state, serving_metrics(settings.metrics_port):
            app.state.gateway = state
            settle_garbage_collector()
            yield

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
        return JSONResponse(await gateway_state(request.app).merged_openapi.document(app.openapi()))

    app.add_route("/openapi.json", merged_openapi, include_in_schema=False)
    install_probes(app)
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


def create_app(settings: GatewaySettings | None = None) -> Gateway:
    start_tracing_from_environment(SERVICE)
    return Gateway(create_api(settings or GatewaySettings()))
