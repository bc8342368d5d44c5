"""The funds service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from fastapi import FastAPI

import services.funds
from services.funds import tables
from services.funds.settings import FundsSettings
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router

SERVICE = "funds"


def create_app(settings: FundsSettings | None = None, *, jwks_source: JwksSource | None = None) -> FastAPI:
    return create_service_app(
        name=SERVICE,
        title="jichi funds",
        description=services.funds.__doc__ or "",
        settings=settings or FundsSettings(),
        routers=[caller_router()],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
    )
