"""The ceiling: a bare ASGI endpoint doing one single-row asyncpg query, no framework at all.

Served by uvicorn exactly as the services are, so that "service / baseline" says what the
platform's own layers cost, whatever this machine's speed is today.
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg
import orjson
from starlette.types import Receive, Scope, Send

DSN = os.environ["BASELINE_DSN"]
SQL = os.environ["BASELINE_SQL"]


class BaselineApp:
    def __init__(self) -> None:
        self.pool: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.pool = await asyncpg.create_pool(DSN, min_size=5, max_size=10)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        key = scope["path"].rsplit("/", 1)[-1]
        row = await self.pool.fetchrow(SQL, key)
        body = orjson.dumps(dict(row) if row else None, default=str)
        await send(
            {
                "type": "http.response.start",
                "status": 200 if row else 404,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


app = BaselineApp()
