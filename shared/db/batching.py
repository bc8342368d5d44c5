"""Reads of one row each, asked for by concurrent requests, sent to the database as one statement.

Under load, a hot single-row read costs the database and the service more in the round trip
than in the read: the statement's message, a system call each way and waking the other
process. Reads of the same statement asked for in one turn of the event loop (many requests
arrive in one turn) are sent together at the end of that turn, as one statement over the
array of their keys, and each request gets the records of its own key. Nothing waits longer
than the turn it was asked in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

Fetch = Callable[..., Awaitable[list[Any]]]
Group = tuple[str, str, tuple[Any, ...]]  # query, key column, further arguments
Waiting = dict[Hashable, list[asyncio.Future[list[Any]]]]  # each key's readers
# Keys per statement: a larger batch waits for its slowest row longer than it saves.
MAX_KEYS = 200


class FetchesTogether:
    """Single-key reads sent as one statement per event-loop turn.

    `query` takes the array of keys as `$1` (`WHERE key_column = ANY($1)`) and any further
    arguments after it; reads with the same query and further arguments go together, and
    `key_column` of each record says whose it is.
    """

    def __init__(self, fetch: Fetch, *, max_keys: int = MAX_KEYS) -> None:
        self._fetch = fetch
        self.max_keys = max_keys
        self._open: dict[Group, Waiting] = {}
        self._sending: set[asyncio.Task[None]] = set()

    async def fetch(self, query: str, key_column: str, key: Hashable, *args: Any) -> list[Any]:
        """The records of `key` (possibly none)."""
        loop = asyncio.get_running_loop()
        group = (query, key_column, args)
        waiting = self._open.get(group)
        if waiting is None:
            waiting = self._open[group] = {}
            loop.call_soon(self._send, group)
        future: asyncio.Future[list[Any]] = loop.create_future()
        waiting.setdefault(key, []).append(future)
        if len(waiting) >= self.max_keys:
            self._send(group)
        return await future

    def _send(self, group: Group) -> None:
        waiting = self._open.pop(group, None)
        if not waiting:
            return
        task = asyncio.get_running_loop().create_task(self._run(group, waiting))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _run(self, group: Group, waiting: Waiting) -> None:
        query, key_column, args = group
        try:
            records = await self._fetch(query, list(waiting), *args)
        except BaseException as error:
            for futures in waiting.values():
                for future in futures:
                    if future.done():
                        continue
                    if isinstance(error, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        found: dict[Hashable, list[Any]] = {}
        for record in records:
            found.setdefault(record[key_column], []).append(record)
        for key, futures in waiting.items():
            rows = found.get(key, [])
            for future in futures:
                if not future.done():
                    future.set_result(rows)

    async def close(self) -> None:
        """Waits for the statements already sent."""
        await asyncio.gather(*self._sending, return_exceptions=True)
