"""The registry source against the registry's published contract, over a mocked gateway."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from services.revitalization.eligibility.http_source import SCOPES, RegistryResidenceSource
from services.revitalization.eligibility.service import cooperator_purpose
from services.revitalization.eligibility.source import ResidenceSourceUnavailable
from shared.contracts.registry import (
    PURPOSE_HEADER,
    Address,
    EventType,
    Resident,
    ResidentStatus,
)
from shared.contracts.registry import ResidencePeriod as RegistryPeriod
from shared.http.gateway_client import GatewayClient
from shared.values import issue_resident_code
from shared.web.purpose import decode_purpose

CODE = issue_resident_code()


def resident(
    history: list[RegistryPeriod] | None, status: ResidentStatus = ResidentStatus.ACTIVE
) -> Resident:
    return Resident(
        resident_code=CODE,
        version=3,
        status=status,
        address=Address(local_government_code="032018", address_lines=["内丸1-1"]),
        residence_history=history,
    )


HISTORY = [
    RegistryPeriod(
        local_government_code="131016",
        address_lines=["千代田1-1"],
        from_date=date(2015, 4, 1),
        to_date=date(2024, 6, 1),
        reason=EventType.MOVE_IN,
        ended_by=EventType.MOVE_OUT,
    ),
    RegistryPeriod(
        local_government_code="032018",
        address_lines=["内丸1-1", "201"],
        from_date=date(2024, 6, 1),
        reason=EventType.MOVE_IN,
        from_abroad=False,
    ),
]


class Gateway:
    def __init__(self, answer: httpx.Response | Exception) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t0k", "expires_in": 300, "token_type": "Bearer"}
            )
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def source(gateway: Gateway) -> tuple[RegistryResidenceSource, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway))
    client = GatewayClient(
        http, gateway_url="http://gateway", client_id="revitalization", client_secret="s3cret", scopes=SCOPES
    )
    return RegistryResidenceSource(client), http


async def test_history_is_read_through_the_gateway_with_purpose_and_own_credentials() -> None:
    gateway = Gateway(httpx.Response(200, content=resident(HISTORY).model_dump_json()))
    registry, http = source(gateway)
    async with http:
        history = await registry.residence_history(CODE, purpose=cooperator_purpose(7))
    assert history is not None
    token_request, lookup = gateway.requests
    assert token_request.headers["Authorization"].startswith("Basic ")
    assert b"registry%3Ahistory" in token_request.content
    assert lookup.url == httpx.URL(f"http://gateway/registry/v1/residents/{CODE}")
    assert lookup.headers["Authorization"] == "Bearer t0k"
    assert decode_purpose(lookup.headers[PURPOSE_HEADER]) == (
        "jichi:purpose:cooperator-eligibility 地域おこし協力隊の住所要件の確認 (revitalization application 7)"
    )
    first, second = history.periods
    assert (first.municipality_code, first.end_date) == ("131016", date(2024, 5, 31))  # exclusive → inclusive
    assert (second.municipality_code, second.end_date, second.area) == ("032018", None, "内丸1-1")
    assert history.alive


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(404, json={"type": "urn:jichi:problem:not-found"}), None),
    ],
)
async def test_unknown_resident(answer: httpx.Response, expected: None) -> None:
    registry, http = source(Gateway(answer))
    async with http:
        assert await registry.residence_history(CODE, purpose="p") is expected


async def test_deceased_resident_is_not_alive() -> None:
    registry, http = source(
        Gateway(httpx.Response(200, content=resident(HISTORY, ResidentStatus.DECEASED).model_dump_json()))
    )
    async with http:
        history = await registry.residence_history(CODE, purpose="p")
    assert history is not None
    assert not history.alive


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503, json={}),
        httpx.Response(403, json={}),
        httpx.Response(200, content=b"{not json"),
        httpx.Response(200, json={"resident_code": "bad"}),
        httpx.Response(200, content=resident(None).model_dump_json()),  # history withheld: scope missing
        httpx.ConnectError("refused"),
    ],
)
async def test_registry_failures_are_reported_as_unavailable(answer: httpx.Response | Exception) -> None:
    registry, http = source(Gateway(answer))
    async with http:
        with pytest.raises(ResidenceSourceUnavailable):
            await registry.residence_history(CODE, purpose="p")


async def test_refused_service_credentials_are_reported_as_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    client = GatewayClient(
        http, gateway_url="http://gateway", client_id="x", client_secret="y", scopes=SCOPES
    )
    async with http:
        with pytest.raises(ResidenceSourceUnavailable):
            await RegistryResidenceSource(client).residence_history(CODE, purpose="p")
