"""The elections service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from fastapi import FastAPI

import services.elections
from services.elections import tables
from services.elections.settings import ElectionsSettings
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router

SERVICE = "elections"


def create_app(
    settings: ElectionsSettings | None = None, *, jwks_source: JwksSource | None = None
) -> FastAPI:
    return create_service_app(
        name=SERVICE,
        title="jichi elections",
        description=services.elections.__doc__ or "",
        settings=settings or ElectionsSettings(),
        routers=[caller_router()],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
    )
