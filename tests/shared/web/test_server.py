"""The HTTP protocol every process serves with: a response's writes leave in one."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.server import ServerState

from shared.web.server import FLUSH_AT, CoalescedWrites, HttpProtocol
from tests.support.servers import serving


class RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1) if name == "peername" else None


def coalesced() -> tuple[CoalescedWrites, RecordingTransport]:
    transport = RecordingTransport()
    writes: Any = transport
    return CoalescedWrites(writes, asyncio.get_running_loop()), transport


async def test_the_writes_of_one_turn_leave_as_one_at_its_end() -> None:
    writes, transport = coalesced()

    writes.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    writes.write(b"{}")
    assert transport.writes == []
    assert writes.get_write_buffer_size() == 40

    await asyncio.sleep(0)
    assert transport.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]

    writes.write(b"next")
    await asyncio.sleep(0)
    assert transport.writes[1:] == [b"next"]


async def test_a_large_body_is_not_held_back() -> None:
    writes, transport = coalesced()

    writes.write(b"head")
    writes.write(b"x" * FLUSH_AT)
    assert transport.writes == [b"head" + b"x" * FLUSH_AT]
    await asyncio.sleep(0)
    assert len(transport.writes) == 1


async def test_close_sends_what_waits_and_abort_drops_it() -> None:
    writes, transport = coalesced()
    writes.write(b"last words")
    writes.close()
    assert transport.writes == [b"last words"]
    assert transport.closing

    writes, transport = coalesced()
    writes.write(b"never sent")
    writes.abort()
    await asyncio.sleep(0)
    assert transport.writes == []
    assert transport.aborted


async def test_nothing_is_written_to_a_closing_transport() -> None:
    writes, transport = coalesced()
    writes.write(b"too late")
    transport.closing = True
    await asyncio.sleep(0)
    assert transport.writes == []


async def test_everything_else_is_the_transport_s_own() -> None:
    writes, _transport = coalesced()
    assert writes.get_extra_info("peername") == ("127.0.0.1", 1)


async def small_and_streamed(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain")]
    if scope["path"] == "/small":
        await send(
            {"type": "http.response.start", "status": 200, "headers": [*headers, (b"content-length", b"5")]}
        )
        await send({"type": "http.response.body", "body": b"hello"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for part in (b"one ", b"two ", b"three"):
        await send({"type": "http.response.body", "body": part, "more_body": True})
        await asyncio.sleep(0.01)
    await send({"type": "http.response.body", "body": b""})


async def test_the_protocol_writes_a_small_answer_once() -> None:
    config = uvicorn.Config(small_and_streamed, lifespan="off", log_level="warning")
    protocol = HttpProtocol(config, ServerState(), {}, asyncio.get_running_loop())
    transport = RecordingTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]

    protocol.data_received(b"GET /small HTTP/1.1\r\nhost: test\r\n\r\n")
    for _ in range(10):
        await asyncio.sleep(0)

    assert len(transport.writes) == 1
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert transport.writes[0].endswith(b"\r\n\r\nhello")
    protocol.connection_lost(None)


async def test_a_small_answer_arrives_in_one_read_and_the_connection_is_kept() -> None:
    async with serving(small_and_streamed) as url:
        port = int(url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(2):
                writer.write(b"GET /small HTTP/1.1\r\nhost: test\r\n\r\n")
                first_read = await asyncio.wait_for(reader.read(65_536), 5)
                head, _, body = first_read.partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200 OK")
                assert body == b"hello"
        finally:
            writer.close()


async def test_a_streamed_answer_still_arrives_whole() -> None:
    async with serving(small_and_streamed) as url:
        port = int(url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET /streamed HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 5)
        finally:
            writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head
    assert body == b"4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n"
