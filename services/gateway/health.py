"""The gateway's own probes: alive, and ready (its database answers; upstreams are reported)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

from services.gateway.state import gateway_state
from shared.web.problems import problem_response


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> Response:
    state = gateway_state(request.app)
    report: dict[str, Any] = {}
    try:
        async with asyncio.timeout(2.0):
            await state.database.ping()
        report["database"] = "ready"
    except Exception:
        report["database"] = "unreachable"
    checks = await asyncio.gather(*(_upstream_ready(state.http, url) for url in state.upstream_urls.values()))
    report["upstreams"] = dict(zip(state.upstream_urls, checks, strict=True))
    if report["database"] != "ready":
        return problem_response(
            status=503,
            slug="not-ready",
            title="Not ready",
            detail="The gateway's database does not answer.",
            instance="/readyz",
            extensions=report,
        )
    # An upstream that is down makes the gateway degraded, not unready: taking every gateway
    # replica out of rotation would stop the other services too.
    healthy = all(status == "ready" for status in report["upstreams"].values())
    return JSONResponse({"status": "ready" if healthy else "degraded", **report})


async def _upstream_ready(http: httpx.AsyncClient, url: str) -> str:
    try:
        response = await http.get(f"{url}/readyz", timeout=2.0)
    except httpx.HTTPError:
        return "unreachable"
    return "ready" if response.status_code == 200 else "not-ready"


def install_probes(app: FastAPI) -> None:
    app.add_route("/healthz", healthz, include_in_schema=False)
    app.add_route("/readyz", readyz, include_in_schema=False)
