"""What the suite's requests to in-process service apps answered, per documented operation.

Every app a test runs through `tests.conftest.running` is wrapped in `Recording`: after each
request, the operation (method and path template of the route that matches) and what came back
(status, problem type) are kept, with the smallest successful request and response bodies.
At the end of the session, `undeclared_problems` compares them with the apps' own OpenAPI
documents: a problem type that an operation returned must be listed in its `x-problem-types`.
The smallest bodies are the examples of `tests.contract.examples` (`make examples`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.problems import PROBLEM_MEDIA_TYPE, TYPE_PREFIX

# Response headers a caller acts on, which an operation's document must name where it sends them.
DOCUMENTED_HEADERS = {
    name.lower(): name
    for name in (
        "ETag",
        "Location",
        "Retry-After",
        "Idempotent-Replayed",
        "Content-Language",
        "Content-Disposition",
    )
}


@dataclass
class Observed:
    """What one operation of one service answered during the session."""

    problems: set[tuple[int, str]] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    headers: set[tuple[int, str]] = field(default_factory=set)
    request_example: tuple[str, bytes] | None = None
    response_examples: dict[tuple[int, str], bytes] = field(default_factory=dict)


@dataclass
class Recorded:
    # (openapi_url, METHOD, path template) -> what it answered
    operations: dict[tuple[str, str, str], Observed] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


RECORDED = Recorded()


@cache
def _operations_of(api: FastAPI) -> list[tuple[re.Pattern[str], str, frozenset[str]]]:
    """Each documented operation's path pattern, path template and methods."""
    found = []
    for route in iter_route_contexts(api.routes):
        if route.path_format and route.methods and getattr(route, "include_in_schema", True):
            pattern, _, _ = compile_path(route.path_format)
            found.append((pattern, route.path_format, frozenset(route.methods)))
    return found


def _route_of(api: FastAPI, scope: Scope) -> str | None:
    for pattern, path_format, methods in _operations_of(api):
        if scope["method"] in methods and pattern.fullmatch(scope["path"]):
            return path_format
    return None


def _smaller(current: bytes | None, candidate: bytes) -> bool:
    return current is None or len(candidate) < len(current)


class Recording:
    """ASGI wrapper that notes each answer of a documented operation of `api`."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.api.openapi_url is None:
            await self.app(scope, receive, send)
            return
        request_body: list[bytes] = []
        response: dict[str, Any] = {"body": []}

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = dict(message.get("headers", []))
            elif message["type"] == "http.response.body":
                response["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receiving, sending)
        route = _route_of(self.api, scope)
        if route is None or "status" not in response:
            return
        self._note(scope, route, b"".join(request_body), response)

    def _note(self, scope: Scope, route: str, request_body: bytes, response: dict[str, Any]) -> None:
        url = str(self.api.openapi_url)
        if url not in RECORDED.documents:
            RECORDED.documents[url] = self.api.openapi()
        key = (url, scope["method"], route)
        observed = RECORDED.operations.setdefault(key, Observed())
        status: int = response["status"]
        observed.statuses.add(status)
        for name in response["headers"]:
            header = name.decode("latin-1").lower()
            if header in DOCUMENTED_HEADERS:
                observed.headers.add((status, DOCUMENTED_HEADERS[header]))
        media_type = response["headers"].get(b"content-type", b"").decode("latin-1").split(";")[0].strip()
        body = b"".join(response["body"])
        if media_type == PROBLEM_MEDIA_TYPE:
            problem_type = orjson.loads(body).get("type", "")
            observed.problems.add((status, str(problem_type).removeprefix(TYPE_PREFIX)))
            return
        if not 200 <= status < 300:
            return
        request_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1").split(";")[0]
        if request_body and _smaller(
            observed.request_example[1] if observed.request_example else None, request_body
        ):
            observed.request_example = (request_type.strip(), request_body)
        if body and _smaller(observed.response_examples.get((status, media_type)), body):
            observed.response_examples[(status, media_type)] = body


def undeclared_problems() -> list[str]:
    """Each problem an operation returned during the session that its document does not list."""
    found = []
    for (url, method, path), observed in sorted(RECORDED.operations.items()):
        operation = RECORDED.documents[url].get("paths", {}).get(path, {}).get(method.lower())
        if operation is None:
            continue
        declared = {entry["slug"] for entry in operation.get("x-problem-types", [])}
        statuses = set(operation.get("responses", {}))
        for status, slug in sorted(observed.problems):
            if slug not in declared:
                found.append(
                    f"{method} {path} returned {status} {TYPE_PREFIX}{slug}, not in its x-problem-types"
                )
            elif str(status) not in statuses:
                found.append(f"{method} {path} returned {status}, not among its documented responses")
    return found


def recorded_as_json() -> bytes:
    """The session's observations, for `make examples` to turn into committed examples."""
    operations = []
    for (url, method, path), observed in sorted(RECORDED.operations.items()):
        operations.append(
            {
                "document": url,
                "method": method,
                "path": path,
                "problems": sorted(observed.problems),
                "statuses": sorted(observed.statuses),
                "headers": sorted(observed.headers),
                "request": (
                    {"media_type": observed.request_example[0], "body": observed.request_example[1].decode()}
                    if observed.request_example
                    else None
                ),
                "responses": [
                    {"status": status, "media_type": media_type, "body": body.decode()}
                    for (status, media_type), body in sorted(observed.response_examples.items())
                ],
            }
        )
    return orjson.dumps(operations, option=orjson.OPT_INDENT_2)
