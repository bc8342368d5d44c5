"""The whole platform over real HTTP: token from the gateway, each service behind it."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.conftest import SERVICES, Platform


async def token(http: httpx.AsyncClient, platform: Platform) -> str:
    response = await http.post(
        f"{platform.gateway_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(platform.client_id, platform.client_secret),
    )
    assert response.status_code == 200, response.text
    value: str = response.json()["access_token"]
    return value


@pytest.mark.parametrize("service", SERVICES)
async def test_service_answers_through_the_gateway(
    http: httpx.AsyncClient, platform: Platform, service: str
) -> None:
    bearer = await token(http, platform)
    response = await http.get(
        f"{platform.gateway_url}/{service}/v1/caller",
        headers={"Authorization": f"Bearer {bearer}", "X-Request-ID": f"it-{service}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["client_id"] == platform.client_id
    assert response.headers["x-request-id"] == f"it-{service}"


@pytest.mark.parametrize("service", SERVICES)
async def test_service_refuses_requests_without_a_valid_token(
    http: httpx.AsyncClient, platform: Platform, service: str
) -> None:
    for url in (platform.gateway_url, platform.service_urls[service]):
        response = await http.get(f"{url}/{service}/v1/caller")
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        forged = await http.get(f"{url}/{service}/v1/caller", headers={"Authorization": "Bearer x.y.z"})
        assert forged.status_code == 401


@pytest.mark.parametrize("service", SERVICES)
async def test_service_health_metrics_and_openapi(
    http: httpx.AsyncClient, platform: Platform, service: str
) -> None:
    base = platform.service_urls[service]
    assert (await http.get(f"{base}/healthz")).status_code == 200
    assert (await http.get(f"{base}/readyz")).json() == {"status": "ready"}
    assert "jichi_http_request_duration_seconds" in (await http.get(f"{base}/metrics")).text
    document = (await http.get(f"{platform.gateway_url}/{service}/openapi.json")).json()
    assert all(path.startswith(f"/{service}/v1/") for path in document["paths"])
    assert (await http.get(f"{platform.gateway_url}/{service}/docs")).status_code == 200


async def test_merged_openapi_and_readiness(http: httpx.AsyncClient, platform: Platform) -> None:
    document = (await http.get(f"{platform.gateway_url}/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    for service in SERVICES:
        assert f"/{service}/v1/caller" in document["paths"]
    assert "/oauth/token" in document["paths"]
    scheme = document["components"]["securitySchemes"]["gateway"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(operation_ids) == len(set(operation_ids))
    ready = await http.get(f"{platform.gateway_url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["upstreams"] == dict.fromkeys(SERVICES, "ready")
    assert (await http.get(f"{platform.gateway_url}/docs")).status_code == 200
