"""Where residents come from: the registry, over HTTP through the gateway, read in bulk.

The roll builder depends only on `ResidentSource`; `RegistrySource` is the real one. Every call
carries the elections service's own token and the purpose of use (利用事由), so the registry's
access log records who read what and why.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Protocol

import httpx
from pydantic import BaseModel, Field, ValidationError

from shared.contracts.registry import (
    MAX_EXTRACT_PAGE_SIZE,
    MAX_FEED_LIMIT,
    PURPOSE_HEADER,
    EventFeed,
    EventType,
    LifeEvent,
    ResidentEventPage,
    ResidentStatus,
)
from shared.http.gateway_client import GatewayAuthError, GatewayClient
from shared.values import Sex
from shared.web.pagination import MAX_PAGE_SIZE
from shared.web.problems import BadGateway, GatewayTimeout

EXTRACT_PATH = "/registry/v1/residents"
RESIDENT_PATH = "/registry/v1/residents/{resident_code}"
RESIDENT_EVENTS_PATH = "/registry/v1/residents/{resident_code}/events"
FEED_PATH = "/registry/v1/events"


class RollPeriod(BaseModel):
    local_government_code: str
    address_lines: list[str] = Field(default_factory=list)
    from_date: date
    to_date: date | None = None


class RollAddress(BaseModel):
    local_government_code: str
    address_lines: list[str]


class RollResident(BaseModel):
    """The items of a registry record (`shared.contracts.registry.Resident`) the roll needs.

    Parsed without the registry's check-digit validators, which run in Python and cost more than
    deciding the resident: the registry validated every code when it stored it."""

    resident_code: str = Field(pattern=r"^[0-9]{11}$")
    date_of_birth: date | None = None
    sex: Sex | None = None
    nationality: str | None = None
    status: ResidentStatus | None = None
    status_since_date: date | None = None
    address: RollAddress | None = None
    address_since_date: date | None = None
    residence_history: list[RollPeriod] | None = None


class RollExtractPage(BaseModel):
    """A page of the registry's municipality extract (`ResidentPage`), as the roll reads it."""

    items: list[RollResident]
    next_page_token: str | None = None
    feed_cursor: int


class ResidentSource(Protocol):
    def extract(self, local_government_code: str, *, resided_since: date) -> AsyncIterator[RollExtractPage]:
        """Pages of the municipality's residents with their residence history, including those who
        were registered there on or after `resided_since` and have moved away."""
        ...

    async def resident(self, resident_code: str) -> RollResident | None: ...

    async def events(self, after: int) -> EventFeed: ...

    async def code_changes(self, after: int) -> EventFeed:
        """The feed's resident-code changes after `after`; its cursor moves past every other event."""
        ...


class RegistrySource:
    def __init__(
        self, gateway: GatewayClient, *, purpose: str, page_size: int = MAX_EXTRACT_PAGE_SIZE
    ) -> None:
        self.gateway = gateway
        self.headers = {PURPOSE_HEADER: purpose}
        self.page_size = page_size

    async def _get(self, path: str, params: dict[str, str | int]) -> httpx.Response:
        try:
            response = await self.gateway.request("GET", path, params=params, headers=self.headers)
        except httpx.TimeoutException:
            raise GatewayTimeout("The registry did not answer in time.", slug="registry-timeout") from None
        except (httpx.HTTPError, GatewayAuthError) as exc:
            raise BadGateway(
                f"The registry could not be reached: {type(exc).__name__}.", slug="registry-unavailable"
            ) from None
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise BadGateway(
                f"The registry answered {response.status_code}.",
                slug="registry-unavailable",
                upstream_status=response.status_code,
            )
        return response

    async def extract(
        self, local_government_code: str, *, resided_since: date
    ) -> AsyncIterator[RollExtractPage]:
        token: str | None = None
        while True:
            params: dict[str, str | int] = {
                "local_government_code": local_government_code,
                "resided_since": resided_since.isoformat(),
                "page_size": self.page_size,
            }
            if token:
                params["page_token"] = token
            response = await self._get(EXTRACT_PATH, params)
            if response.status_code != 200:
                raise BadGateway(
                    f"The registry refused the extract: {response.status_code}.",
                    slug="registry-unavailable",
                    upstream_status=response.status_code,
                )
            try:
                page = RollExtractPage.model_validate_json(response.content)
            except ValidationError:
                raise BadGateway(
                    "The registry answered an extract page the roll cannot read.",
                    slug="registry-invalid-answer",
                ) from None
            yield page
            token = page.next_page_token
            if not token:
                return

    async def resident(self, resident_code: str) -> RollResident | None:
        response = await self._get(RESIDENT_PATH.format(resident_code=resident_code), {})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise BadGateway(
                f"The registry refused a resident read: {response.status_code}.",
                slug="registry-unavailable",
                upstream_status=response.status_code,
            )
        return RollResident.model_validate_json(response.content)

    async def events(self, after: int) -> EventFeed:
        return await self._feed({"after": after, "limit": MAX_FEED_LIMIT})

    async def code_changes(self, after: int) -> EventFeed:
        return await self._feed(
            {"after": after, "limit": MAX_FEED_LIMIT, "type": EventType.RESIDENT_CODE_CHANGE.value}
        )

    async def _feed(self, params: dict[str, str | int]) -> EventFeed:
        response = await self._get(FEED_PATH, params)
        if response.status_code != 200:
            raise BadGateway(
                f"The registry refused the change feed: {response.status_code}.",
                slug="registry-unavailable",
                upstream_status=response.status_code,
            )
        return EventFeed.model_validate_json(response.content)

    async def resident_events(self, resident_code: str) -> list[LifeEvent] | None:
        """The resident's recorded life events, oldest first (the overseas roll reads the move abroad
        and its municipality from them); None when the registry does not show the resident."""
        events: list[LifeEvent] = []
        token: str | None = None
        while True:
            params: dict[str, str | int] = {"page_size": MAX_PAGE_SIZE}
            if token:
                params["page_token"] = token
            response = await self._get(RESIDENT_EVENTS_PATH.format(resident_code=resident_code), params)
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise BadGateway(
                    f"The registry refused a resident's events: {response.status_code}.",
                    slug="registry-unavailable",
                    upstream_status=response.status_code,
                )
            page = ResidentEventPage.model_validate_json(response.content)
            events.extend(page.items)
            token = page.next_page_token
            if not token:
                return events
