"""The registry's local-government code master, read over HTTP through the gateway with this service's
own client credentials (the code master is public; no personal data is read)."""

from __future__ import annotations

from datetime import date

import httpx
from pydantic import TypeAdapter, ValidationError

from services.revitalization.cooperation.source import CodeSourceUnavailable, CodeStatus
from shared.contracts.registry import LocalGovernment
from shared.http.gateway_client import GatewayAuthError, GatewayClient

_SUCCESSORS = TypeAdapter(list[LocalGovernment])
BASE = "/registry/v1/local-government-codes"


class RegistryCodeMaster:
    def __init__(self, client: GatewayClient) -> None:
        self.client = client

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        try:
            return await self.client.request("GET", path, params=params)
        except (httpx.HTTPError, GatewayAuthError) as exc:
            raise CodeSourceUnavailable(f"The registry could not be reached: {type(exc).__name__}.") from exc

    async def status(self, code: str) -> CodeStatus | None:
        response = await self._get(f"{BASE}/{code}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise CodeSourceUnavailable(f"The registry answered {response.status_code}.")
        try:
            document = LocalGovernment.model_validate_json(response.content)
        except ValidationError as exc:
            raise CodeSourceUnavailable("The registry's answer does not fit its contract.") from exc
        return CodeStatus(code=document.code, to_date=document.to_date)

    async def successors(self, code: str, *, on: date) -> list[str]:
        response = await self._get(f"{BASE}/{code}/successors", {"as_of": on.isoformat()})
        if response.status_code != 200:
            raise CodeSourceUnavailable(f"The registry answered {response.status_code}.")
        try:
            documents = _SUCCESSORS.validate_json(response.content)
        except ValidationError as exc:
            raise CodeSourceUnavailable("The registry's answer does not fit its contract.") from exc
        return [document.code for document in documents]
