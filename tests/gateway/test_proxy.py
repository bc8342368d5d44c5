"""The proxy path: faithful forwarding, header hygiene, streaming, failures, circuit breaking."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from services.gateway.metrics import CIRCUIT_STATE
from tests.gateway.conftest import GatewayFactory
from tests.gateway.upstream_app import UPLOADS, upstream_app
from tests.shared.web.test_problems import assert_problem
from tests.support.servers import serving


async def test_forwards_method_path_query_and_body(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/registry/v1/echo?a=1&b=%E6%97%A5", json={"hello": "世界"})
    assert response.status_code == 200
    seen = response.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/registry/v1/echo"
    assert seen["query"] == "a=1&b=%E6%97%A5"
    assert seen["body_length"] == len('{"hello":"世界"}'.encode())
    assert seen["headers"]["content-type"] == "application/json"


async def test_strips_identity_and_hop_by_hop_headers(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get(
        "/registry/v1/echo",
        headers={
            "X-Forwarded-For": "10.9.9.9",
            "Forwarded": "for=10.9.9.9",
            "X-Client-Id": "someone-else",
            "X-Real-IP": "10.9.9.9",
            "Proxy-Authorization": "Basic eA==",
            "TE": "trailers",
            "X-Request-ID": "caller-chosen-id",
        },
    )
    headers = response.json()["headers"]
    assert headers["x-forwarded-for"] == "127.0.0.1"
    for name in ("forwarded", "x-client-id", "x-real-ip", "proxy-authorization", "te"):
        assert name not in headers
    assert headers["x-request-id"] == "caller-chosen-id"
    assert headers["traceparent"].startswith("00-")
    assert response.headers["x-request-id"] == "caller-chosen-id"
    assert "keep-alive" not in response.headers
    assert response.headers["x-upstream"] == "yes"


async def test_the_upstreams_date_and_server_are_not_repeated(gateway: httpx.AsyncClient) -> None:
    # Here the gateway runs without a server of its own, which in production writes both once.
    response = await gateway.get("/registry/v1/echo")
    assert response.status_code == 200
    assert "date" not in response.headers
    assert "server" not in response.headers


async def test_authorization_is_passed_through(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/registry/v1/echo", headers={"Authorization": "Bearer abc"})
    assert response.json()["headers"]["authorization"] == "Bearer abc"


async def test_streams_large_responses(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/registry/v1/stream?chunks=128")
    assert response.status_code == 200
    assert len(response.content) == 128 * 16_384
    assert response.content[:3] == b"AAA"
    assert response.content[-3:] == bytes([65 + 127 % 26]) * 3


async def test_streams_request_bodies(gateway: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 10_000

    response = await gateway.post(
        "/registry/v1/echo", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.json()["body_length"] == 100_000


async def test_oversized_body_is_413(gateway: httpx.AsyncClient) -> None:
    response = await gateway.put("/registry/v1/echo", content=b"x" * 2_000_000)
    assert_problem(response, 413, "content-too-large")


async def test_oversized_streamed_body_lets_go_of_the_upstream(gateway: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"x" * 100_000

    response = await gateway.post("/registry/v1/upload", content=chunks())
    assert_problem(response, 413, "content-too-large")
    # The upstream must not be left waiting for the rest of the body.
    assert await asyncio.wait_for(UPLOADS.get(), timeout=5) == "disconnected"


async def test_upstream_status_passes_through(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/registry/v1/status/404")).status_code == 404
    assert (await gateway.delete("/registry/v1/echo")).json()["method"] == "DELETE"
    head = await gateway.head("/registry/v1/echo")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0  # the length of the body a GET would get
    again = await gateway.get("/registry/v1/echo")
    assert again.status_code == 200


async def test_concurrent_requests_each_get_their_own_answer(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(anonymous_rate_limit_burst=1000) as gateway:
        results = await asyncio.gather(*(gateway.get(f"/registry/v1/echo?n={n}") for n in range(50)))
    assert all(r.status_code == 200 for r in results)
    assert sorted(r.json()["query"] for r in results) == sorted(f"n={n}" for n in range(50))
    assert len({r.headers["x-request-id"] for r in results}) == 50


async def test_unreachable_upstream_is_502(gateway_factory: GatewayFactory, dead_url: str) -> None:
    async with gateway_factory(registry_url=dead_url) as gateway:
        response = await gateway.get("/registry/v1/echo")
        body = assert_problem(response, 502, "bad-gateway")
        assert "registry" in str(body["detail"])


async def test_slow_upstream_is_504(gateway: httpx.AsyncClient) -> None:
    assert_problem(await gateway.get("/registry/v1/slow"), 504, "gateway-timeout")


async def test_circuit_opens_then_recovers(gateway_factory: GatewayFactory, dead_url: str) -> None:
    port = int(dead_url.rsplit(":", 1)[1])
    async with gateway_factory(registry_url=dead_url) as gateway:
        for _ in range(3):
            assert (await gateway.get("/registry/v1/echo")).status_code == 502
        fast = await gateway.get("/registry/v1/echo")
        assert_problem(fast, 503, "upstream-circuit-open")
        assert int(fast.headers["retry-after"]) >= 1
        other = await gateway.get("/elections/v1/echo")
        assert other.status_code != 503
        async with serving(upstream_app(), port=port):
            await asyncio.sleep(0.35)
            recovered = await gateway.get("/registry/v1/echo")
            assert recovered.status_code == 200
            assert (await gateway.get("/registry/v1/echo")).status_code == 200


async def test_gateway_routes_are_not_proxied(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/healthz")).json() == {"status": "alive"}
    assert_problem(await gateway.get("/nowhere"), 404, "not-found")


async def test_suite_runs_on_uvloop_like_production() -> None:
    assert type(asyncio.get_running_loop()).__module__.startswith("uvloop")


async def test_readiness_reports_each_upstream_and_degrades(
    gateway_factory: GatewayFactory, dead_url: str, upstream_url: str
) -> None:
    async with gateway_factory(elections_url=dead_url) as gateway:
        response = await gateway.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["database"] == "ready"
        assert body["upstreams"]["elections"] == "unreachable"
        assert body["upstreams"]["registry"] == "ready"


async def test_readiness_fails_when_the_gateway_database_is_down(gateway_factory: GatewayFactory) -> None:
    async with gateway_factory(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none") as gateway:
        response = await gateway.get("/readyz")
        assert_problem(response, 503, "not-ready")


async def test_a_circuit_trial_that_ends_in_413_lets_the_next_request_try(
    gateway_factory: GatewayFactory, dead_url: str
) -> None:
    """The trial after an outage was a body over the limit: the circuit must not stay open for good."""
    port = int(dead_url.rsplit(":", 1)[1])

    async def oversized() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * 1024

    async with gateway_factory(registry_url=dead_url, max_body_bytes=2048) as gateway:
        for _ in range(3):
            assert (await gateway.get("/registry/v1/echo")).status_code == 502
        assert (await gateway.get("/registry/v1/echo")).status_code == 503
        async with serving(upstream_app(), port=port):
            await asyncio.sleep(0.35)
            trial = await gateway.post("/registry/v1/upload", content=oversized())
            assert_problem(trial, 413, "content-too-large")
            assert (await gateway.get("/registry/v1/echo")).status_code == 200
    assert CIRCUIT_STATE.labels("registry")._value.get() == 0


async def test_a_declared_oversized_body_is_refused_without_reaching_the_upstream(
    gateway_factory: GatewayFactory,
) -> None:
    while not UPLOADS.empty():
        UPLOADS.get_nowait()
    async with gateway_factory(max_body_bytes=2048) as gateway:
        response = await gateway.post(
            "/registry/v1/upload", content=b"x" * 4096, headers={"Content-Type": "application/json"}
        )
    assert_problem(response, 413, "content-too-large")
    assert UPLOADS.empty()


async def test_funds_filings_may_be_larger_than_the_default_limit(gateway_factory: GatewayFactory) -> None:
    """Per-service limits follow the service's own: funds takes filings of 8 MiB."""
    async with gateway_factory(max_body_bytes=2048, upstream_body_limits={"funds": 8192}) as gateway:
        funds = await gateway.post("/funds/v1/echo", content=b"x" * 4096)
        registry = await gateway.post("/registry/v1/echo", content=b"x" * 4096)
    assert funds.status_code != 413
    assert_problem(registry, 413, "content-too-large")
