"""Typed application state: what every service builds at start-up, read by dependencies.

One object per app (`app.state.service`) instead of loose `request.app.state.*` attributes, so a
reader gets a type checker's help and a missing piece fails at start-up, not on a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from fastapi import Depends, FastAPI, Request

from shared.db.engine import Database

if TYPE_CHECKING:  # only annotations: these modules read the state themselves
    import httpx
    from sqlalchemy import Table

    from shared.auth.tokens import TokenVerifier
    from shared.settings import ServiceSettings
    from shared.web.pagination import PageTokenCodec


Settings = TypeVar("Settings", bound="ServiceSettings")


@dataclass(frozen=True, slots=True)
class ServiceState(Generic[Settings]):
    settings: Settings
    database: Database
    http: httpx.AsyncClient
    page_codec: PageTokenCodec
    token_verifier: TokenVerifier
    idempotency_table: Table | None


def state_of(app: FastAPI) -> ServiceState[Any]:
    """The state, with each service's own settings class (typed by whoever reads it)."""
    state: ServiceState[Any] = app.state.service
    return state


# Dependencies are coroutines: FastAPI runs a plain function in a worker thread, a hop that costs
# more than the read itself.
async def service_state(request: Request) -> ServiceState[Any]:
    return state_of(request.app)


async def database(request: Request) -> Database:
    return state_of(request.app).database


ServiceStateDep = Annotated[ServiceState[Any], Depends(service_state)]
DatabaseDep = Annotated[Database, Depends(database)]
