"""The elections service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

import services.elections
from services.elections import tables
from services.elections.absentee.endpoints import router as absentee_router
from services.elections.audit.endpoints import router as audit_router
from services.elections.checkins.endpoints import router as checkins_router
from services.elections.checkins.service import CheckInDesk
from services.elections.corrections.endpoints import router as corrections_router
from services.elections.operations import EXAMPLES, OPERATIONS
from services.elections.overseas.endpoints import router as overseas_router
from services.elections.overseas.source import OVERSEAS_PURPOSE
from services.elections.public.endpoints import router as public_router
from services.elections.results.endpoints import router as results_router
from services.elections.roll.endpoints import router as roll_router
from services.elections.roll.readlog import RegistryReadLog
from services.elections.roll.source import RegistrySource, ResidentSource
from services.elections.settings import ElectionsSettings
from services.elections.setup.endpoints import router as setup_router
from services.elections.state import ElectionsState
from services.elections.suspensions.endpoints import router as suspensions_router
from services.elections.tallies.endpoints import router as tallies_router
from services.elections.turnout.endpoints import router as turnout_router
from shared.auth.revocations import RevocationSource
from shared.auth.tokens import JwksSource
from shared.http.gateway_client import GatewayClient
from shared.web.app import create_service_app
from shared.web.caller import caller_router
from shared.web.state import state_of

SERVICE = "elections"


def create_app(
    settings: ElectionsSettings | None = None,
    *,
    jwks_source: JwksSource | None = None,
    revocation_source: RevocationSource | None = None,
    gateway_http: httpx.AsyncClient | None = None,
    resident_source: ResidentSource | None = None,
) -> FastAPI:
    """`gateway_http` replaces the HTTP client used to reach the gateway (tests pass one with a
    mock transport); `resident_source` replaces the registry as the source of residents (the
    roll's reads are still logged in the registry through the gateway)."""
    settings = settings or ElectionsSettings()

    @asynccontextmanager
    async def startup(app: FastAPI) -> AsyncIterator[None]:
        gateway = GatewayClient(
            gateway_http or state_of(app).http,
            gateway_url=settings.gateway_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            scopes=settings.registry_scopes,
        )
        database = state_of(app).database
        state = ElectionsState(
            resident_source=resident_source or RegistrySource(gateway, purpose=settings.registry_purpose),
            read_log=RegistryReadLog(gateway),
            emigration_source=RegistrySource(gateway, purpose=OVERSEAS_PURPOSE),
            check_in_desk=None if database.is_sqlite else CheckInDesk(database),
        )
        app.state.elections = state
        try:
            yield
        finally:
            # Builds still running are cancelled and recorded as interrupted.
            running = list(state.roll_builds.values())
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    return create_service_app(
        operations=OPERATIONS,
        examples=EXAMPLES,
        name=SERVICE,
        title="jichi elections",
        description=services.elections.__doc__ or "",
        settings=settings,
        # Routes are matched in this order, one after another: the check-ins of polling day, the
        # busiest route by far, come first rather than after the thirty routes of setup and roll.
        routers=[
            checkins_router,
            caller_router(),
            setup_router,
            roll_router,
            suspensions_router,
            absentee_router,
            overseas_router,
            tallies_router,
            results_router,
            corrections_router,
            public_router,
            turnout_router,
            audit_router,
        ],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
        revocation_source=revocation_source,
        startup=startup,
    )
