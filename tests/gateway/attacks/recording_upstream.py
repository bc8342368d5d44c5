"""An upstream that records exactly what reached it, parsed with h11, and can answer oddly on purpose.

- `/registry/v1/interim`: two interim answers (100 Continue, 103 Early Hints), then the final one;
- `/registry/v1/redirect`: a redirect to its own internal address;
- `/registry/v1/cut-short`: half of the body its Content-Length declares, then it closes;
- `/registry/v1/cut-short-chunked`: a chunked body broken off after its first chunk;
- anything else: 200 with what it received, as JSON.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import h11


@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    complete: bool


@dataclass
class RecordingUpstream:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def paths(self) -> list[str]:
        return [entry.target for entry in self.received]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        connection = h11.Connection(h11.SERVER)
        try:
            while True:
                entry = await self._read_request(connection, reader)
                if entry is None:
                    return
                self.received.append(entry)
                if not entry.complete:
                    return
                if entry.target.startswith("/registry/v1/cut-short"):
                    writer.write(_CUT_SHORT_CHUNKED if "chunked" in entry.target else _CUT_SHORT)
                    await writer.drain()
                    return
                writer.write(self._answer(connection, entry))
                await writer.drain()
                if connection.our_state is h11.MUST_CLOSE:
                    return
                connection.start_next_cycle()
        except (h11.ProtocolError, ConnectionError):
            return
        finally:
            writer.close()

    async def _read_request(
        self, connection: h11.Connection, reader: asyncio.StreamReader
    ) -> Received | None:
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65_536)
                connection.receive_data(data)
                if not data and request is not None:
                    return Received(*_describe(request), bytes(body), complete=False)
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) and request is not None:
                return Received(*_describe(request), bytes(body), complete=True)
            else:  # ConnectionClosed before a request
                return None

    def _answer(self, connection: h11.Connection, entry: Received) -> bytes:
        if entry.target.startswith("/registry/v1/interim"):
            raw = connection.send(h11.InformationalResponse(status_code=100, headers=[])) or b""
            raw += (
                connection.send(
                    h11.InformationalResponse(
                        status_code=103, headers=[("Link", "</style.css>; rel=preload")]
                    )
                )
                or b""
            )
            return raw + self._final(connection, 200, b'{"final": true}')
        if entry.target.startswith("/registry/v1/redirect"):
            return self._final(
                connection, 302, b"", [("Location", f"{self.url}/registry/v1/echo?after=redirect")]
            )
        document = {
            "method": entry.method,
            "target": entry.target,
            "headers": entry.headers,
            "body_length": len(entry.body),
        }
        return self._final(connection, 200, json.dumps(document).encode())

    def _final(
        self, connection: h11.Connection, status: int, body: bytes, extra: list[tuple[str, str]] | None = None
    ) -> bytes:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(extra or [])]
        raw = connection.send(h11.Response(status_code=status, headers=headers)) or b""
        raw += connection.send(h11.Data(data=body)) or b""
        return raw + (connection.send(h11.EndOfMessage()) or b"")


_CUT_SHORT = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":'
_CUT_SHORT_CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n"
)


def _describe(request: h11.Request) -> tuple[str, str, dict[str, str]]:
    headers = {name.decode().lower(): value.decode("latin-1") for name, value in request.headers}
    return request.method.decode(), request.target.decode("latin-1"), headers
