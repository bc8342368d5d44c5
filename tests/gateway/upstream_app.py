"""A stand-in upstream that shows the proxy what it received and can misbehave on request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


async def echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": dict(request.headers.items()),
            "body_length": len(body),
            "body_head": body[:64].decode("latin-1"),
        },
        headers={"Connection": "keep-alive", "X-Upstream": "yes", "Keep-Alive": "timeout=5"},
    )


UPLOADS: asyncio.Queue[str] = asyncio.Queue()
"""What became of each body sent to /upload: "complete:<bytes>" or "disconnected"."""


async def upload(request: Request) -> Response:
    try:
        body = await request.body()
    except ClientDisconnect:
        UPLOADS.put_nowait("disconnected")
        raise
    UPLOADS.put_nowait(f"complete:{len(body)}")
    return JSONResponse({"body_length": len(body)})


async def slow(_request: Request) -> Response:
    await asyncio.sleep(2)
    return JSONResponse({"slow": True})


async def stream(request: Request) -> Response:
    chunks = int(request.query_params.get("chunks", "64"))

    async def body() -> AsyncIterator[bytes]:
        for index in range(chunks):
            yield bytes([65 + index % 26]) * 16_384

    return StreamingResponse(body(), media_type="application/octet-stream")


async def status(request: Request) -> Response:
    return Response(status_code=int(request.path_params["code"]))


async def openapi(_request: Request) -> Response:
    return JSONResponse(
        {
            "openapi": "3.1.0",
            "info": {"title": "stand-in", "version": "1"},
            "paths": {"/registry/v1/echo": {"get": {"operationId": "registry_echo", "responses": {}}}},
            "components": {"schemas": {"ProblemDetails": {"type": "object", "title": "other shape"}}},
        }
    )


async def ready(_request: Request) -> Response:
    return JSONResponse({"status": "ready"})


def upstream_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/registry/v1/echo", echo, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]),
            Route("/registry/v1/upload", upload, methods=["POST"]),
            Route("/registry/v1/slow", slow),
            Route("/registry/v1/stream", stream),
            Route("/registry/v1/status/{code:int}", status),
            Route("/registry/openapi.json", openapi),
            Route("/readyz", ready),
        ]
    )
