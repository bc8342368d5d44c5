"""What the gateway builds at start-up (services/gateway/startup.py), as one typed object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:  # annotations only: the modules that build these read the state themselves
    import httpx

    from services.gateway.client_address import ClientAddresses
    from services.gateway.keys import KeyRing
    from services.gateway.openapi import MergedOpenAPI
    from services.gateway.proxy import Proxy
    from services.gateway.settings import GatewaySettings
    from services.gateway.token_guard import TokenGuard
    from shared.auth.revocations import RevocationCache
    from shared.db.engine import Database

SERVICE = "gateway"


@dataclass(frozen=True, slots=True)
class GatewayState:
    settings: GatewaySettings
    database: Database
    http: httpx.AsyncClient
    keyring: KeyRing
    revocations: RevocationCache
    upstream_urls: dict[str, str]
    merged_openapi: MergedOpenAPI
    proxy: Proxy
    client_addresses: ClientAddresses
    token_guard: TokenGuard


def gateway_state(app: FastAPI) -> GatewayState:
    state: GatewayState = app.state.gateway
    return state
