"""Calls from one service to another, through the gateway, with the caller's own credentials.

Going through the gateway (not straight to the other service) means the callee sees an ordinary
client with its own scopes, and its reads are logged like anyone's. The request id and trace
of the request being served are carried on.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from shared.web.context import propagation_headers

REFRESH_MARGIN_SECONDS = 30


class GatewayAuthError(RuntimeError):
    """The gateway refused this service's client credentials (a deployment error, not a caller's)."""


class GatewayClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        gateway_url: str,
        client_id: str,
        client_secret: str,
        scopes: str,
    ) -> None:
        self.http = http
        self.gateway_url = gateway_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def _bearer(self) -> str:
        if self._token is not None and time.time() < self._expires_at - REFRESH_MARGIN_SECONDS:
            return self._token
        async with self._lock:
            if self._token is None or time.time() >= self._expires_at - REFRESH_MARGIN_SECONDS:
                response = await self.http.post(
                    f"{self.gateway_url}/oauth/token",
                    data={"grant_type": "client_credentials", "scope": self.scopes},
                    auth=(self.client_id, self.client_secret),
                )
                if response.status_code != 200:
                    raise GatewayAuthError(f"token request refused: {response.status_code} {response.text}")
                body = response.json()
                self._token = str(body["access_token"])
                self._expires_at = time.time() + float(body["expires_in"])
        assert self._token is not None
        return self._token

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """`path` starts with the service prefix, e.g. `/registry/v1/residents:verify`."""
        all_headers = {**propagation_headers(), **(headers or {})}
        all_headers["Authorization"] = f"Bearer {await self._bearer()}"
        response = await self.http.request(method, self.gateway_url + path, headers=all_headers, **kwargs)
        if response.status_code == 401:
            self._token = None
            all_headers["Authorization"] = f"Bearer {await self._bearer()}"
            response = await self.http.request(method, self.gateway_url + path, headers=all_headers, **kwargs)
        return response
