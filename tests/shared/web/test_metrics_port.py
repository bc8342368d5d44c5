"""/metrics on a port of its own when one is set: never on the API's port then."""

from __future__ import annotations

import httpx

from tests.shared.conftest import build_sample_app
from tests.support.servers import free_port, serving
from tests.support.tokens import TokenFactory


async def test_metrics_move_to_their_own_port(sample_db: str, tokens: TokenFactory) -> None:
    metrics_port = free_port()
    app = build_sample_app(sample_db, tokens, metrics_port=metrics_port)
    async with serving(app) as url, httpx.AsyncClient() as http:
        assert (await http.get(f"{url}/healthz")).status_code == 200
        assert (await http.get(f"{url}/metrics")).status_code == 404
        scraped = await http.get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert scraped.status_code == 200
    for family in (
        "jichi_http_request_duration_seconds",
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "python_gc_collections_total",
        "python_info",
    ):
        assert f"\n{family}" in scraped.text, family
    # Stopped with the app: the port is free again.
    async with serving(build_sample_app(sample_db, tokens, metrics_port=metrics_port)):
        pass


async def test_without_a_metrics_port_the_api_port_serves_them(sample_db: str, tokens: TokenFactory) -> None:
    async with serving(build_sample_app(sample_db, tokens)) as url, httpx.AsyncClient() as http:
        scraped = await http.get(f"{url}/metrics")
    assert scraped.status_code == 200
    assert "process_resident_memory_bytes" in scraped.text
