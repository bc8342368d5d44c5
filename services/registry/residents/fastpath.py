"""The hot read — `GET /registry/v1/residents/{code}`, now, no query — answered in plain ASGI.

Pension agencies and the other services call this lookup far more than anything else, and
FastAPI's per-request parameter and dependency solving cost about as much CPU as the whole
lookup itself (read, document, access-log entry). So the plain success is answered here, with
the same token verifier, purpose rules, service function and response as the documented route
(`endpoints.get_resident`). Everything else — no or bad token, a missing scope, a missing or bad
purpose, a malformed code, an unknown resident, any query parameter — goes on untouched to that
route, which answers it with its problem; nothing is logged for a request passed on, since no
personal data left here.

Bulk verification by resident code (`POST …/residents/verifications` whose items hold only a
resident code and perhaps a reference) is answered the same way: the body's JSON and codes are
checked in one pass instead of through the request model, which cost a fifth of the registry's
CPU per verified record, and `service.verify` answers as for the route. Any other body (other
keys, an individual number or the four items, a code that is not 11 ASCII digits with the right
check digit, a bad reference, too many items, not JSON) goes to the route with the body as sent.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.registry.accesslog.entries import Provision
from services.registry.residents import endpoints, service
from services.registry.residents.service import ByCode, Reader
from services.registry.residents.views import Visibility
from shared.auth.tokens import Principal, TokenVerifier
from shared.contracts.registry import MAX_BULK_ITEMS, PURPOSE_HEADER, VerificationItem
from shared.values import is_valid_resident_code
from shared.web.context import current_request_id
from shared.web.problems import Problem
from shared.web.purpose import decode_purpose

_PURPOSE = PURPOSE_HEADER.lower().encode()
# The request model's own rule for a reference, applied to the references sent.
_REFERENCE: TypeAdapter[Any] = TypeAdapter(VerificationItem.model_fields["reference"].rebuild_annotation())
_BY_CODE_KEYS = ({"resident_code"}, {"resident_code", "reference"})


def _plain(scope: Scope, method: str) -> bool:
    """An HTTP request with this method and no query string: the only kind answered here."""
    return scope["type"] == "http" and scope["method"] == method and not scope["query_string"]


def _stands_for(scope: Scope, principal: Principal, route: Any) -> None:
    """The request log and the metrics name the caller and the route answered for."""
    scope.setdefault("state", {})["client_id"] = principal.client_id
    scope["route"] = route


def _route_of(endpoint: object) -> Any:
    """The documented route a fast answer stands for (metrics and the request log name it)."""
    return next(route for route in endpoints.router.routes if getattr(route, "endpoint", None) is endpoint)


async def _reader(scope: Scope, *, scope_needed: str) -> tuple[Principal, Reader] | None:
    """The caller and what it may see, if its token, scope and purpose are all in order."""
    authorization = purpose = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == _PURPOSE:
            purpose = value.decode("latin-1")
    if authorization is None or purpose is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    state: Any = scope["app"].state
    verifier: TokenVerifier = state.service.token_verifier
    try:
        principal = await verifier.verify(token.strip())
        if not principal.has(scope_needed):
            return None
        return principal, Reader(
            visibility=Visibility.of(principal.scopes),
            provision=Provision(
                client_id=principal.client_id,
                purpose=decode_purpose(purpose),
                request_id=current_request_id() or "-",
            ),
            cipher=state.identity_cipher,
        )
    except Problem:
        return None


async def _send_json(send: Send, document: Any, extra_headers: list[tuple[bytes, bytes]]) -> None:
    """The two ASGI messages json_response would send, without building a Response first."""
    body = orjson.dumps(document)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                (b"content-type", b"application/json"),
                *extra_headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class CurrentResidentLookup:
    """ASGI middleware in front of the registry's routes (inside the request context)."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.prefix = prefix + "/residents/"
        self.route = _route_of(endpoints.get_resident)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not _plain(scope, "GET")
            or not scope["path"].startswith(self.prefix)
            or not await self._answered(scope, receive, send)
        ):
            await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, receive: Receive, send: Send) -> bool:
        code = scope["path"][len(self.prefix) :]
        if not is_valid_resident_code(code):
            return False
        caller = await _reader(scope, scope_needed="registry:read")
        if caller is None:
            return False
        principal, reader = caller
        state: Any = scope["app"].state
        try:
            document, etag = await service.get_current_resident(
                state.service.database, state.access_log_writer, resident_code=code, reader=reader
            )
        except Problem:
            return False
        _stands_for(scope, principal, self.route)
        await _send_json(send, document, [(b"etag", etag.encode())])
        return True


class VerificationByCode:
    """ASGI middleware in front of the registry's routes: bulk verification by resident code."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.path = prefix + "/residents/verifications"
        self.route = _route_of(endpoints.verify_residents)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _plain(scope, "POST") or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        body, last = await _read_body(receive)
        if last["type"] == "http.request" and await self._answered(scope, body, send):
            return
        await self.app(scope, _replay(body, last, receive), send)

    async def _answered(self, scope: Scope, body: bytes, send: Send) -> bool:
        items = _items_by_code(body)
        if items is None:
            return False
        caller = await _reader(scope, scope_needed="registry:read")
        if caller is None:
            return False
        principal, reader = caller
        state: Any = scope["app"].state
        try:
            async with state.service.database.sessionmaker() as session:
                document = await service.verify(
                    state.service.database, session, state.access_log_writer, items=items, reader=reader
                )
        except Problem:  # the access log could not be written: the route answers with its 503
            return False
        _stands_for(scope, principal, self.route)
        await _send_json(send, document, [])
        return True


def _items_by_code(body: bytes) -> list[ByCode] | None:
    """The items of a verification by resident code alone, each checked as the request model
    would; None for anything else, which the route then validates and answers."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(document) is not dict or len(document) != 1:
        return None
    listed = document.get("items")
    if type(listed) is not list or not 0 < len(listed) <= MAX_BULK_ITEMS:
        return None
    items = []
    for item in listed:
        if type(item) is not dict or item.keys() not in _BY_CODE_KEYS:
            return None
        code = item["resident_code"]
        if type(code) is not str or not is_valid_resident_code(code):
            return None
        reference = item.get("reference")
        if reference is not None:
            try:
                reference = _REFERENCE.validate_python(reference)
            except ValidationError:
                return None
        items.append(ByCode(code, reference))
    return items


async def _read_body(receive: Receive) -> tuple[bytes, Message]:
    """The whole body and the last message read (a disconnect ends it early)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), message


def _replay(body: bytes, last: Message, receive: Receive) -> Receive:
    """`receive` for the route as if nothing had been read: the body in one message first."""
    disconnected = last["type"] != "http.request"
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": disconnected}]
    if disconnected:
        pending.append(last)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
