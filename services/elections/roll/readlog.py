"""The roll's reads of residents' data, logged in the registry's access log before they are served.

The roll holds personal data (resident code, birth date, sex, and the address-derived municipality
and polling station), so a read of it is a provision like a registry lookup: the elections service
posts one entry per resident to the registry (through the gateway, with its own credentials and
`registry:log`) and answers only after the registry confirmed it. If the log cannot be written,
the read fails with 503 and nothing is served, as the registry's own reads do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from shared.contracts.registry import AccessLogEntriesIn, LoggedRead, ProvidedItem
from shared.http.gateway_client import GatewayAuthError, GatewayClient
from shared.web.problems import ServiceUnavailable

READ_LOG_PATH = "/registry/v1/access-log/entries"
ROLL_ITEMS = [ProvidedItem.BASIC, ProvidedItem.ADDRESS]
"""Birth date and sex (basic); the municipality and station derived from the address (address)."""


@dataclass(frozen=True, slots=True)
class RollReader:
    """Who reads the roll, and the purpose they stated."""

    client_id: str
    purpose: str


class ReadLog(Protocol):
    async def record(self, reader: RollReader, *, operation: str, resident_codes: Sequence[str]) -> None:
        """Returns once the reads are logged; raises 503 `access-log-unavailable` otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class RollRead:
    """A read of the roll: who reads it and why, and where that is logged."""

    reader: RollReader
    log: ReadLog

    async def record(self, *, operation: str, resident_codes: Sequence[str]) -> None:
        await self.log.record(self.reader, operation=operation, resident_codes=resident_codes)


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The registry's access log could not record this read, so no personal data is provided; retry later.",
        slug="access-log-unavailable",
    )


class RegistryReadLog:
    def __init__(self, gateway: GatewayClient) -> None:
        self.gateway = gateway

    async def record(self, reader: RollReader, *, operation: str, resident_codes: Sequence[str]) -> None:
        if not resident_codes:
            return
        body = AccessLogEntriesIn(
            client_id=reader.client_id,
            purpose=reader.purpose,
            operation=operation,
            reads=[LoggedRead(resident_code=code, items=ROLL_ITEMS) for code in resident_codes],
        )
        try:
            response = await self.gateway.request(
                "POST",
                READ_LOG_PATH,
                content=body.model_dump_json(),
                headers={"Content-Type": "application/json"},
            )
        except (httpx.HTTPError, GatewayAuthError):
            raise unavailable() from None
        if response.status_code != 201:
            raise unavailable()
