"""`GET /<service>/v1/caller`: how this service sees the calling system (a token check for integrators)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.web.planned import PlannedRoute


class Caller(BaseModel):
    client_id: str = Field(description="The calling system's client id at the gateway.")
    scopes: list[str] = Field(description="The scopes its token grants, sorted.")


def caller_router() -> APIRouter:
    router = APIRouter(route_class=PlannedRoute, tags=["caller"])

    @router.get("/caller", response_model=Caller, summary="Who this service takes the caller to be")
    async def get_caller(principal: Principal = require_scopes()) -> Caller:
        return Caller(client_id=principal.client_id, scopes=sorted(principal.scopes))

    return router
