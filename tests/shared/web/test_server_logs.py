"""uvicorn's own lines come out as the same JSON lines as the services' (and its access line never)."""

from __future__ import annotations

import asyncio
import io

import orjson

from shared.web import observability
from tests.shared.conftest import build_sample_app
from tests.support.servers import serving
from tests.support.tokens import TokenFactory


async def test_uvicorn_error_lines_are_json_and_its_access_lines_are_off(
    sample_db: str, tokens: TokenFactory
) -> None:
    async with serving(build_sample_app(sample_db, tokens)) as url:
        handler = observability._stdlib_lines
        assert handler is not None
        capture = io.StringIO()
        previous = handler.stream
        handler.setStream(capture)
        try:
            host, port = url.removeprefix("http://").split(":")
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"NOT HTTP AT ALL\r\n\r\n")
            await writer.drain()
            await reader.read()  # uvicorn answers 400 and closes
            writer.close()
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(
                b"GET /healthz?resident=12345678901 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
            assert (await reader.read()).startswith(b"HTTP/1.1 200")
            writer.close()
        finally:
            handler.setStream(previous)
    lines = [orjson.loads(line) for line in capture.getvalue().splitlines()]
    server_lines = [line for line in lines if line["logger"].startswith("uvicorn")]
    assert {
        "event": "Invalid HTTP request received.",
        "level": "warning",
        "logger": "uvicorn.error",
    }.items() <= (server_lines[0].items())
    assert all(line["logger"] != "uvicorn.access" for line in lines)
    assert "12345678901" not in capture.getvalue()
