"""The registry service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

import services.registry
from services.registry import tables
from services.registry.accesslog import endpoints as accesslog_endpoints
from services.registry.accesslog.checkpoints import Checkpointer
from services.registry.accesslog.writer import AccessLogWriter
from services.registry.codes import endpoints as codes_endpoints
from services.registry.feed import endpoints as feed_endpoints
from services.registry.operations import EXAMPLES, OPERATIONS
from services.registry.residents import endpoints as residents_endpoints
from services.registry.residents.fastpath import CurrentResidentLookup, VerificationByCode
from services.registry.residents.identity import IdentityCipher
from services.registry.settings import RegistrySettings
from shared.auth.revocations import RevocationSource
from shared.auth.tokens import JwksSource
from shared.web.app import api_prefix, create_service_app
from shared.web.caller import caller_router

SERVICE = "registry"


def _access_log(settings: RegistrySettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def start(app: FastAPI) -> AsyncIterator[None]:
        writer = AccessLogWriter(app.state.database)
        writer.start()
        app.state.access_log_writer = writer
        checkpointer = Checkpointer(
            app.state.database,
            secret=settings.log_signing_secret.get_secret_value(),
            origin=settings.log_origin,
            interval_seconds=settings.checkpoint_interval_seconds,
        )
        await checkpointer.start()
        app.state.checkpointer = checkpointer
        try:
            yield
        finally:
            await checkpointer.close()
            await writer.close()

    return start


def create_app(
    settings: RegistrySettings | None = None,
    *,
    jwks_source: JwksSource | None = None,
    revocation_source: RevocationSource | None = None,
) -> FastAPI:
    settings = settings or RegistrySettings()
    app = create_service_app(
        operations=OPERATIONS,
        examples=EXAMPLES,
        name=SERVICE,
        title="jichi registry",
        description=services.registry.__doc__ or "",
        settings=settings,
        routers=[
            caller_router(),
            codes_endpoints.router,
            residents_endpoints.router,
            accesslog_endpoints.router,
            feed_endpoints.router,
        ],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
        revocation_source=revocation_source,
        startup=_access_log(settings),
        front_middleware=[
            Middleware(CurrentResidentLookup, prefix=api_prefix(SERVICE)),
            Middleware(VerificationByCode, prefix=api_prefix(SERVICE)),
        ],
    )
    app.state.identity_cipher = IdentityCipher(settings.identity_key.get_secret_value())
    return app
