"""The revitalization service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from fastapi import FastAPI

import services.revitalization
from services.revitalization import tables
from services.revitalization.settings import RevitalizationSettings
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router

SERVICE = "revitalization"


def create_app(
    settings: RevitalizationSettings | None = None, *, jwks_source: JwksSource | None = None
) -> FastAPI:
    return create_service_app(
        name=SERVICE,
        title="jichi revitalization",
        description=services.revitalization.__doc__ or "",
        settings=settings or RevitalizationSettings(),
        routers=[caller_router()],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
    )
