"""The registry service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from fastapi import FastAPI

import services.registry
from services.registry import tables
from services.registry.settings import RegistrySettings
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router

SERVICE = "registry"


def create_app(settings: RegistrySettings | None = None, *, jwks_source: JwksSource | None = None) -> FastAPI:
    return create_service_app(
        name=SERVICE,
        title="jichi registry",
        description=services.registry.__doc__ or "",
        settings=settings or RegistrySettings(),
        routers=[caller_router()],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
    )
