"""The gateway's HTTP server: granian, with the bounds of `GatewaySettings` switched on.

granian parses and frames HTTP in Rust (hyper) and enforces what a public door needs before the
application sees a byte: the request line and headers within `max_header_bytes` (431; a URI
over 64 KiB is 414), at most 100 header lines (431), all of them within `header_read_timeout`
(then the connection is closed), and at most `max_concurrent_requests` requests at once
(further connections wait in the backlog). Smuggling shapes (duplicate or signed
Content-Length, two Transfer-Encodings, obs-fold, NUL, chunk sizes that overflow) are 400.
The body's own bounds (size per service, read timeouts) are the proxy's.
"""

from __future__ import annotations

from granian.constants import HTTPModes, Interfaces, Loops, RuntimeModes
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

from services.gateway.settings import GatewaySettings
from shared.web.observability import server_log_config

APPLICATION = "services.gateway.app:create_app"


def build_server(settings: GatewaySettings, *, host: str, port: int) -> MPServer:
    # The process-based server: this CPython has the GIL, which is what granian.Granian picks then.
    return MPServer(
        APPLICATION,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        http=HTTPModes.http1,
        websockets=False,
        loop=Loops.uvloop,
        workers=1,
        # One worker with one runtime thread: the single-threaded runtime spends less per request.
        runtime_mode=RuntimeModes.st,
        backpressure=settings.max_concurrent_requests,
        http1_settings=HTTP1Settings(
            header_read_timeout=round(settings.header_read_timeout * 1000),
            keep_alive=True,
            max_buffer_size=settings.max_header_bytes,
        ),
        # The proxy writes the access line (without the path); granian's own lines are JSON too.
        log_access=False,
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig=server_log_config(),
    )


def serve(*, host: str, port: int) -> int:
    build_server(GatewaySettings(), host=host, port=port).serve()
    return 0
