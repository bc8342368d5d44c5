"""Conditional GET for every route: `If-None-Match` naming the current ETag answers 304.

Handlers only set their ETag; this layer compares it with what the caller holds (weak comparison,
RFC 9110 §13.1.2) and drops the body, so no route can forget the rule.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What a 304 keeps of the 200 it replaces (RFC 9110 §15.4.5).
_KEPT_ON_NOT_MODIFIED = frozenset(
    {b"etag", b"cache-control", b"vary", b"expires", b"content-location", b"date"}
)


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def none_match(if_none_match: str, etag: str) -> bool:
    """True when `If-None-Match` names `etag` (or is `*`): the caller's copy is current."""
    current = _opaque(etag)
    return any(candidate == "*" or _opaque(candidate) == current for candidate in if_none_match.split(","))


class ConditionalGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        if not if_none_match:
            await self.app(scope, receive, send)
            return
        not_modified = False

        async def send_conditionally(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start" and message["status"] == 200:
                etag = next((value for name, value in message["headers"] if name == b"etag"), None)
                if etag is not None and none_match(if_none_match, etag.decode("latin-1")):
                    not_modified = True
                    headers = [
                        (name, value) for name, value in message["headers"] if name in _KEPT_ON_NOT_MODIFIED
                    ]
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
            if not_modified:
                return
            await send(message)

        await self.app(scope, receive, send_conditionally)
