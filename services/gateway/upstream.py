"""The gateway's upstream calls, carried by aiohttp's client: pooled keep-alive connections, streamed bodies.

A proxy that frames one response wrongly hands the next caller on that connection someone
else's answer, so no byte of HTTP is written or parsed here: aiohttp frames requests, parses
responses (skipping interim 1xx answers), and puts a connection back in its pool only after a
complete, well-framed exchange; a request whose body fails half-way closes its connection.
README ("The gateway") gives the figures that chose aiohttp over httpx.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp
from yarl import URL

from shared.web.tracing import aiohttp_trace_configs


class UpstreamError(Exception):
    """The upstream could not be reached or did not answer in time; `kind` says which."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # "connect", "timeout" or "protocol"


@dataclass(frozen=True, slots=True)
class UpstreamLimits:
    connect_timeout: float
    read_timeout: float
    idle_timeout: float
    max_connections: int


class Upstream:
    """One upstream service: an aiohttp session with its own bounded connection pool."""

    def __init__(self, name: str, url: str, limits: UpstreamLimits) -> None:
        self.name = name
        self.origin = str(URL(url).origin())
        self.read_timeout = limits.read_timeout
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=limits.max_connections,
                keepalive_timeout=limits.idle_timeout,
                use_dns_cache=True,
            ),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=limits.connect_timeout, sock_read=limits.read_timeout
            ),
            auto_decompress=False,
            # The caller's headers are forwarded as they came; aiohttp adds none of its own.
            skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
            cookie_jar=aiohttp.DummyCookieJar(),
            raise_for_status=False,
            trace_configs=aiohttp_trace_configs(),
        )

    async def send(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> aiohttp.ClientResponse:
        """The upstream's final answer, its body still to be read (or released) by the caller."""
        try:
            return await self._session.request(
                method,
                # The target goes as the caller sent it: no re-quoting, no dot-segment folding.
                URL(self.origin + target, encoded=True),
                headers=list(headers),
                data=body,
                allow_redirects=False,
                compress=None,
                chunked=None,
            )
        except TimeoutError:
            raise UpstreamError("timeout", f"{self.name} did not answer in {self.read_timeout:g} s") from None
        except aiohttp.ClientConnectorError as error:
            raise UpstreamError(
                "connect", f"{self.name} is unreachable: {error.os_error.strerror or error}"
            ) from None
        except aiohttp.ServerDisconnectedError:
            raise UpstreamError("connect", f"{self.name} closed the connection") from None
        except aiohttp.ClientResponseError as error:
            raise UpstreamError("protocol", f"malformed answer from {self.name}: {error.message}") from None
        except aiohttp.ClientError as error:
            raise UpstreamError("connect", f"{self.name} failed: {type(error).__name__}") from None

    async def body_chunks(self, response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
        """The response body as it arrives; a failure mid-way is an UpstreamError."""
        with self._reading_body():
            async for chunk in response.content.iter_any():
                yield chunk

    async def whole_body(self, response: aiohttp.ClientResponse) -> bytes:
        with self._reading_body():
            return await response.read()

    @contextmanager
    def _reading_body(self) -> Iterator[None]:
        try:
            yield
        except TimeoutError:
            raise UpstreamError("timeout", f"{self.name} stopped sending the body") from None
        except aiohttp.ClientError as error:
            raise UpstreamError("protocol", f"{self.name}'s body broke off: {type(error).__name__}") from None

    async def close(self) -> None:
        await self._session.close()
        # aiohttp closes its transports on the next loop turns; let them go before the loop does.
        await asyncio.sleep(0)
