"""The funds service's ASGI application, served by uvicorn with --factory."""

from __future__ import annotations

from fastapi import FastAPI

import services.funds
from services.funds import tables
from services.funds.campaigns.endpoints import router as campaigns_router
from services.funds.deadlines.endpoints import router as deadlines_router
from services.funds.disclosure.endpoints import router as disclosure_router
from services.funds.feed.endpoints import router as feed_router
from services.funds.findings.endpoints import router as findings_router
from services.funds.operations import EXAMPLES, OPERATIONS
from services.funds.organizations.endpoints import router as organizations_router
from services.funds.politicians.endpoints import router as politicians_router
from services.funds.reports.endpoints import router as reports_router
from services.funds.settings import FundsSettings
from services.funds.state import funds_state
from services.funds.subsidies.endpoints import router as subsidies_router
from shared.auth.revocations import RevocationSource
from shared.auth.tokens import JwksSource
from shared.web.app import create_service_app
from shared.web.caller import caller_router

SERVICE = "funds"


def create_app(
    settings: FundsSettings | None = None,
    *,
    jwks_source: JwksSource | None = None,
    revocation_source: RevocationSource | None = None,
) -> FastAPI:
    return create_service_app(
        operations=OPERATIONS,
        examples=EXAMPLES,
        name=SERVICE,
        title="jichi funds",
        description=services.funds.__doc__ or "",
        settings=settings or FundsSettings(),
        routers=[
            caller_router(),
            organizations_router,
            reports_router,
            findings_router,
            disclosure_router,
            subsidies_router,
            feed_router,
            deadlines_router,
            politicians_router,
            campaigns_router,
        ],
        idempotency_table=tables.idempotency_keys,
        jwks_source=jwks_source,
        revocation_source=revocation_source,
        startup=funds_state,
    )
