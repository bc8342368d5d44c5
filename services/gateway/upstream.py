"""A lean HTTP/1.1 client for the gateway's upstreams: pooled keep-alive connections, streamed bodies.

Why not httpx or aiohttp: on two cores the proxy competes with the services for CPU, and a
general-purpose client spends most of a proxied request's budget in its own machinery (httpx
kept 6-12% of direct throughput here, aiohttp 53-72%). The gateway only ever speaks HTTP/1.1
to known upstreams, so it writes the request head itself and parses responses with httptools,
the C parser uvicorn uses.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

import httptools


class UpstreamError(Exception):
    """The upstream could not be reached or did not answer in time; `kind` says which."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # "connect", "timeout" or "protocol"


class _Connection(asyncio.Protocol):
    """One keep-alive connection; parses one response at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = time.monotonic()
        self._parser = httptools.HttpResponseParser(self)
        self._reset()

    def _reset(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.headers_ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.chunks: deque[bytes] = deque()
        self.data_ready = asyncio.Event()
        self.complete = False
        self.keep_alive = True
        self.error: UpstreamError | None = None
        self.skip_body = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, so no isinstance check.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.fail(UpstreamError("protocol", "upstream tried to upgrade the connection"))
        except httptools.HttpParserError as exc:
            self.fail(UpstreamError("protocol", f"malformed upstream response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.complete:
            self.fail(UpstreamError("connect", "upstream closed the connection"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        self.keep_alive = self._parser.should_keep_alive() and not self.skip_body
        if not self.headers_ready.done():
            self.headers_ready.set_result(None)
        if self.skip_body:
            self.on_message_complete()

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.data_ready.set()

    def on_message_complete(self) -> None:
        self.complete = True
        self.data_ready.set()

    def fail(self, error: UpstreamError) -> None:
        self.error = error
        self.keep_alive = False
        if not self.headers_ready.done():
            self.headers_ready.set_exception(error)
            self.headers_ready.exception()  # mark retrieved: the waiter may already be gone
        self.data_ready.set()
        if self.transport is not None:
            self.transport.close()

    def start(self, head: bytes, *, head_request: bool) -> None:
        self._reset()
        self.skip_body = head_request
        if head_request:
            self.keep_alive = False
        assert self.transport is not None
        self.transport.write(head)

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(data)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


@dataclass
class UpstreamResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    _connection: _Connection
    _upstream: Upstream
    _read_timeout: float

    async def body(self) -> AsyncIterator[bytes]:
        """The body in chunks as they arrive; the connection returns to the pool at the end."""
        connection = self._connection
        finished = False
        try:
            while True:
                while connection.chunks:
                    yield connection.chunks.popleft()
                if connection.complete:
                    break
                if connection.error is not None:
                    raise connection.error
                connection.data_ready.clear()
                try:
                    async with asyncio.timeout(self._read_timeout):
                        await connection.data_ready.wait()
                except TimeoutError:
                    raise UpstreamError("timeout", "upstream stopped sending the body") from None
            finished = True
        finally:
            self._upstream.release(connection, reusable=finished and connection.keep_alive)

    def whole_body(self) -> bytes | None:
        """The body, if all of it has arrived already (a small answer comes in one read); the
        connection then goes back to the pool. None while more is to come: read `body()`."""
        connection = self._connection
        if not connection.complete or connection.error is not None:
            return None
        body = b"".join(connection.chunks)
        connection.chunks.clear()
        self._upstream.release(connection, reusable=connection.keep_alive)
        return body

    def discard(self) -> None:
        self._upstream.release(self._connection, reusable=False)


class Upstream:
    """Connections to one upstream service (host and port), with a bounded idle pool."""

    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_idle: int = 64,
        idle_timeout: float = 4.0,
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.host_header = f"{host}:{port}".encode()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_idle = max_idle
        self.idle_timeout = idle_timeout
        self._idle: deque[_Connection] = deque()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await loop.create_connection(_Connection, self.host, self.port)
        except TimeoutError:
            raise UpstreamError("timeout", f"connecting to {self.name} timed out") from None
        except OSError as exc:
            raise UpstreamError("connect", f"{self.name} is unreachable: {exc.strerror or exc}") from None
        return connection

    def _pooled(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed and now - connection.idle_since < self.idle_timeout:
                return connection
            connection.close()
        return None

    def release(self, connection: _Connection, *, reusable: bool) -> None:
        if reusable and not connection.closed and len(self._idle) < self.max_idle:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            connection.close()

    async def send(
        self,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
        *,
        retry_stale: bool,
    ) -> UpstreamResponse:
        """Send a request; a buffered body on a reused connection is re-sent once if that connection died."""
        head = bytearray(f"{method} ".encode())
        head += target
        head += b" HTTP/1.1\r\nhost: " + self.host_header + b"\r\n"
        for name, value in headers:
            head += name + b": " + value + b"\r\n"
        if isinstance(body, bytes):
            head += b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        elif body is None:
            head += b"\r\n"
        else:
            head += b"transfer-encoding: chunked\r\n\r\n"
        request_head = bytes(head)
        is_head = method == "HEAD"

        connection = self._pooled()
        reused = connection is not None
        if connection is None:
            connection = await self._connect()
        try:
            return await self._exchange(connection, request_head, body, is_head)
        except UpstreamError as error:
            connection.close()
            if not (reused and retry_stale and error.kind == "connect"):
                raise
        except BaseException:
            # A body that failed half-way (too large, client gone, cancelled) would leave the
            # upstream waiting for the rest of it on a connection nobody owns any more.
            connection.close()
            raise
        connection = await self._connect()
        try:
            return await self._exchange(connection, request_head, body, is_head)
        except BaseException:
            connection.close()
            raise

    async def _exchange(
        self,
        connection: _Connection,
        request_head: bytes,
        body: bytes | AsyncIterator[bytes] | None,
        is_head: bool,
    ) -> UpstreamResponse:
        connection.start(request_head, head_request=is_head)
        if body is not None and not isinstance(body, bytes):
            async for chunk in body:
                if chunk:
                    connection.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
            connection.write(b"0\r\n\r\n")
        # A timer that fails the wait: about half what an asyncio.timeout() block costs, per request.
        timer = asyncio.get_running_loop().call_later(self.read_timeout, self._time_out, connection)
        try:
            await connection.headers_ready
        finally:
            timer.cancel()
        return UpstreamResponse(connection.status, connection.headers, connection, self, self.read_timeout)

    def _time_out(self, connection: _Connection) -> None:
        connection.fail(UpstreamError("timeout", f"{self.name} did not answer in {self.read_timeout:g} s"))

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
