"""Raw-socket callers for the attack suite: bytes out exactly as written, bytes back as they came.

Answers are split and parsed with h11 (a maintained HTTP/1.1 parser), one response at a time,
so a pipelined or desynchronised stream shows every answer it holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

import h11


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def exchange(
    port: int, *parts: bytes, pause: float = 0.0, idle: float = 1.0, total: float = 10.0
) -> bytes:
    """Send the parts (pausing between them) while reading, until the server closes or goes quiet.

    Reading starts at once, so an answer sent before the caller has finished (a 408, a 413) is
    kept even when the server then closes and the rest of the parts can no longer be written.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()
    written = asyncio.Event()

    async def read() -> None:
        while True:
            try:
                wait = idle if written.is_set() else total
                chunk = await asyncio.wait_for(reader.read(65_536), wait)
            except (TimeoutError, ConnectionError):
                return
            if not chunk:
                return
            received.extend(chunk)

    async def write() -> None:
        try:
            for index, part in enumerate(parts):
                if index and pause:
                    await asyncio.sleep(pause)
                writer.write(part)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            written.set()

    reading = asyncio.create_task(read())
    try:
        async with asyncio.timeout(total):
            await write()
            # Quiet for `idle` after the last part: the reader's wait shortens once all is written.
            while not reading.done():
                before = len(received)
                await asyncio.wait([reading], timeout=idle)
                if len(received) == before:
                    break
    except TimeoutError:
        pass
    finally:
        reading.cancel()
        writer.close()
    return bytes(received)


async def closed_by_server(port: int, *parts: bytes, pause: float, within: float) -> tuple[bool, bytes]:
    """Whether the server closed the connection while the parts trickled in, and what it sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()
    try:
        async with asyncio.timeout(within):
            for part in parts:
                try:
                    writer.write(part)
                    await writer.drain()
                except ConnectionError:
                    break
                try:
                    chunk = await asyncio.wait_for(reader.read(65_536), pause)
                except TimeoutError:
                    continue
                except ConnectionError:
                    return True, bytes(received)
                if not chunk:
                    return True, bytes(received)
                received += chunk
            while chunk := await reader.read(65_536):
                received += chunk
            return True, bytes(received)
    except TimeoutError:
        return False, bytes(received)
    finally:
        writer.close()


def answers(raw: bytes, *, head: bool = False) -> list[Answer]:
    """Every complete response in `raw`, in order; interim (1xx) ones included."""
    found: list[Answer] = []
    rest = raw
    while rest:
        connection = h11.Connection(h11.CLIENT)
        connection.send(h11.Request(method="HEAD" if head else "GET", target="/", headers=[("Host", "x")]))
        connection.send(h11.EndOfMessage())
        connection.receive_data(rest)
        status, headers, body = 0, {}, bytearray()
        ended = False
        while True:
            try:
                event = connection.next_event()
            except h11.RemoteProtocolError:
                return found
            if isinstance(event, h11.InformationalResponse):
                found.append(Answer(event.status_code, _headers(event.headers), b""))
            elif isinstance(event, h11.Response):
                status, headers = event.status_code, _headers(event.headers)
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                found.append(Answer(status, headers, bytes(body)))
                break
            elif event is h11.NEED_DATA and not ended:
                connection.receive_data(b"")  # the stream has ended: a body read to the close is whole
                ended = True
            else:
                return found
        rest = connection.trailing_data[0]
    return found


def _headers(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {name.decode().lower(): value.decode("latin-1") for name, value in headers}


def request(method: str, target: str, *headers: str, body: bytes = b"", version: str = "HTTP/1.1") -> bytes:
    lines = [f"{method} {target} {version}", "Host: gateway", *headers]
    if body and not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
