"""The hot read — `GET /registry/v1/residents/{code}`, now, no query — answered in plain ASGI.

Pension agencies and the other services call this lookup far more than anything else, and
FastAPI's per-request parameter and dependency solving cost about as much CPU as the whole
lookup itself (read, document, access-log entry). So the plain success is answered here, with
the same token verifier, purpose rules, service function and response as the documented route
(`endpoints.get_resident`). Everything else — no or bad token, a missing scope, a missing or bad
purpose, a malformed code, an unknown resident, any query parameter — goes on untouched to that
route, which answers it with its problem; nothing is logged for a request passed on, since no
personal data left here.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from services.registry.accesslog.chain import Provision
from services.registry.accesslog.purpose import decode_purpose
from services.registry.residents import endpoints, service
from services.registry.residents.service import Reader
from services.registry.residents.views import Visibility
from shared.auth.tokens import TokenVerifier
from shared.contracts.registry import PURPOSE_HEADER
from shared.values import is_valid_resident_code
from shared.web.context import current_request_id
from shared.web.problems import Problem

_PURPOSE = PURPOSE_HEADER.lower().encode()


class CurrentResidentLookup:
    """ASGI middleware in front of the registry's routes (inside the request context)."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.prefix = prefix + "/residents/"
        # Metrics and the request log name the route this answers for.
        self.route = next(
            route
            for route in endpoints.router.routes
            if getattr(route, "endpoint", None) is endpoints.get_resident
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["query_string"]
            or not scope["path"].startswith(self.prefix)
            or not await self._answered(scope, receive, send)
        ):
            await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, receive: Receive, send: Send) -> bool:
        code = scope["path"][len(self.prefix) :]
        if not is_valid_resident_code(code):
            return False
        authorization = purpose = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == _PURPOSE:
                purpose = value.decode("latin-1")
        if authorization is None or purpose is None:
            return False
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        state: Any = scope["app"].state
        verifier: TokenVerifier = state.token_verifier
        try:
            principal = await verifier.verify(token.strip())
            if not principal.has("registry:read"):
                return False
            reader = Reader(
                visibility=Visibility.of(principal.scopes),
                provision=Provision(
                    client_id=principal.client_id,
                    purpose=decode_purpose(purpose),
                    request_id=current_request_id() or "-",
                ),
                cipher=state.identity_cipher,
            )
            document, etag = await service.get_current_resident(
                state.database, state.access_log_writer, resident_code=code, reader=reader
            )
        except Problem:
            return False
        scope.setdefault("state", {})["client_id"] = principal.client_id
        scope["route"] = self.route
        # The two ASGI messages json_response would send, without building a Response first.
        body = orjson.dumps(document)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                    (b"etag", etag.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True
