"""The registry service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

import services.registry
from services.registry import tables
from services.registry.accesslog import endpoints as accesslog_endpoints
from services.registry.accesslog.checkpoints import Checkpointer
from services.registry.accesslog.writer import AccessLogWriter
from services.registry.codes import endpoints as codes_endpoints
from services.registry.codes.master import CodeMaster
from services.registry.deliveries import endpoints as deliveries_endpoints
from services.registry.deliveries.secrets import WebhookSecrets
from services.registry.feed import endpoints as feed_endpoints
from services.registry.households import endpoints as households_endpoints
from services.registry.operations import EXAMPLES, OPERATIONS
from services.registry.pseudonyms.codec import PseudonymCodec
from services.registry.purposes import endpoints as purposes_endpoints
from services.registry.residents import endpoints as residents_endpoints
from services.registry.residents.identity import IdentityCipher
from services.registry.settings import RegistrySettings
from services.registry.state import RegistryState
from services.registry.statistics import endpoints as statistics_endpoints
from services.registry.subscriptions import endpoints as subscriptions_endpoints
from shared.auth.revocations import RevocationSource
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router
from shared.web.state import state_of

SERVICE = "registry"


def _registry_state(settings: RegistrySettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def start(app: FastAPI) -> AsyncIterator[None]:
        database = state_of(app).database
        writer = AccessLogWriter(database)
        writer.start()
        checkpointer = Checkpointer(
            database,
            secret=settings.log_signing_secret.get_secret_value(),
            origin=settings.log_origin,
            interval_seconds=settings.checkpoint_interval_seconds,
        )
        code_master = CodeMaster(database, refresh_seconds=settings.code_master_refresh_seconds)
        app.state.registry = RegistryState(
            access_log_writer=writer,
            checkpointer=checkpointer,
            identity_cipher=IdentityCipher(settings.identity_key.get_secret_value()),
            code_master=code_master,
            pseudonyms=PseudonymCodec(settings.pseudonym_key.get_secret_value()),
            webhook_secrets=WebhookSecrets(settings.webhook_secret_key.get_secret_value()),
        )
        await checkpointer.start()
        try:
            async with code_master.following_changes():
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
    return create_service_app(
        operations=OPERATIONS,
        examples=EXAMPLES,
        name=SERVICE,
        title="jichi registry",
        description=services.registry.__doc__ or "",
        settings=settings,
        # Routes are matched in order, one pattern after another: the most requested come first.
        routers=[
            residents_endpoints.router,
            households_endpoints.router,
            codes_endpoints.router,
            caller_router(),
            accesslog_endpoints.router,
            feed_endpoints.router,
            purposes_endpoints.router,
            subscriptions_endpoints.router,
            deliveries_endpoints.router,
            statistics_endpoints.router,
        ],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
        revocation_source=revocation_source,
        startup=_registry_state(settings),
    )
