"""The revitalization service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import services.revitalization
from services.revitalization import tables
from services.revitalization.allocation.endpoints import router as allocation_router
from services.revitalization.applications.endpoints import router as applications_router
from services.revitalization.budgets.endpoints import router as budgets_router
from services.revitalization.calls.endpoints import router as calls_router
from services.revitalization.categories.endpoints import router as categories_router
from services.revitalization.cooperation.endpoints import router as cooperation_router
from services.revitalization.cooperation.http_source import RegistryCodeMaster
from services.revitalization.cooperation.source import CodeMasterSource
from services.revitalization.eligibility.http_source import SCOPES, RegistryResidenceSource
from services.revitalization.eligibility.source import ResidenceHistorySource
from services.revitalization.hometown.endpoints import router as hometown_router
from services.revitalization.opendata.endpoints import router as opendata_router
from services.revitalization.opendata.giving360 import Publisher
from services.revitalization.operations import EXAMPLES, OPERATIONS
from services.revitalization.placements.endpoints import router as placements_router
from services.revitalization.programmes.endpoints import router as programmes_router
from services.revitalization.results.endpoints import router as results_router
from services.revitalization.reviews.endpoints import router as reviews_router
from services.revitalization.settings import RevitalizationSettings
from services.revitalization.state import RevitalizationState, install_state
from shared.auth.revocations import RevocationSource
from shared.auth.tokens import JwksSource
from shared.http.gateway_client import GatewayClient
from shared.web.app import create_service_app
from shared.web.caller import caller_router
from shared.web.state import state_of

SERVICE = "revitalization"


def create_app(
    settings: RevitalizationSettings | None = None,
    *,
    jwks_source: JwksSource | None = None,
    revocation_source: RevocationSource | None = None,
    residence_source: ResidenceHistorySource | None = None,
    code_source: CodeMasterSource | None = None,
) -> FastAPI:
    """`residence_source` and `code_source` replace the registry (over HTTP through the gateway) in tests."""
    settings = settings or RevitalizationSettings()

    @asynccontextmanager
    async def startup(app: FastAPI) -> AsyncIterator[None]:
        gateway = GatewayClient(
            state_of(app).http,
            gateway_url=settings.gateway_url,
            client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value(),
            scopes=SCOPES,
        )
        source = residence_source or RegistryResidenceSource(gateway)
        install_state(
            app,
            RevitalizationState(
                settings=settings,
                residence_source=source,
                publisher=Publisher(settings.funder_id, settings.funder_name, settings.grant_id_prefix),
                code_source=code_source or RegistryCodeMaster(gateway),
            ),
        )
        yield

    return create_service_app(
        operations=OPERATIONS,
        examples=EXAMPLES,
        name=SERVICE,
        title="jichi revitalization",
        description=services.revitalization.__doc__ or "",
        settings=settings,
        routers=[
            applications_router,
            calls_router,
            caller_router(),
            programmes_router,
            categories_router,
            budgets_router,
            placements_router,
            allocation_router,
            hometown_router,
            opendata_router,
            reviews_router,
            results_router,
            cooperation_router,
        ],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
        revocation_source=revocation_source,
        startup=startup,
    )
