"""Residence histories from the registry, over HTTP through the gateway with this service's own
client credentials, every read stating its purpose (X-Purpose) so the registry logs it."""

from __future__ import annotations

from datetime import timedelta

import httpx
from pydantic import ValidationError

from services.revitalization.eligibility.source import (
    ResidenceHistory,
    ResidencePeriod,
    ResidenceSourceUnavailable,
)
from shared.contracts.registry import PURPOSE_HEADER, Resident, ResidentStatus
from shared.http.gateway_client import GatewayAuthError, GatewayClient

SCOPES = "registry:read registry:address registry:history"


def _history(resident: Resident) -> ResidenceHistory:
    if resident.residence_history is None:
        raise ResidenceSourceUnavailable(
            "The registry did not provide the residence history: this service's client lacks "
            "registry:history or registry:address."
        )
    periods = tuple(
        ResidencePeriod(
            municipality_code=period.local_government_code,
            start_date=period.from_date,
            # The registry's to_date is exclusive (the next period's first day); ours is the last day.
            end_date=None if period.to_date is None else period.to_date - timedelta(days=1),
            area=period.address_lines[0] if period.address_lines else None,
            moved_in_from_abroad=period.from_abroad,
        )
        for period in resident.residence_history
    )
    return ResidenceHistory(
        resident_code=resident.resident_code,
        periods=periods,
        alive=resident.status is not ResidentStatus.DECEASED,
    )


class RegistryResidenceSource:
    def __init__(self, client: GatewayClient) -> None:
        self.client = client

    async def residence_history(self, resident_code: str, *, purpose: str) -> ResidenceHistory | None:
        headers = {PURPOSE_HEADER: purpose}
        try:
            response = await self.client.request(
                "GET", f"/registry/v1/residents/{resident_code}", headers=headers
            )
        except (httpx.HTTPError, GatewayAuthError) as exc:
            raise ResidenceSourceUnavailable(
                f"The registry could not be reached: {type(exc).__name__}."
            ) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ResidenceSourceUnavailable(f"The registry answered {response.status_code}.")
        try:
            resident = Resident.model_validate_json(response.content)
        except ValidationError as exc:
            raise ResidenceSourceUnavailable("The registry's answer does not fit its contract.") from exc
        return _history(resident)
