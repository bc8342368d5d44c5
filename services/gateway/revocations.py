"""`GET /.well-known/revocations.json`: whose tokens no longer count, public like the JWKS.

Built from the database, because `python -m services.gateway clients disable|rotate` changes it from
another process and every gateway replica reads the same rows, so every replica publishes the same
document under the same ETag. The gateway keeps it in a `RevocationCache` re-read every
`GATEWAY_REVOCATIONS_REFRESH_SECONDS`, which its own caller identification checks too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from services.gateway import clients
from services.gateway.keys import CLOCK_SKEW
from services.gateway.state import gateway_state
from shared.auth.revocations import RevocationDocument
from shared.db.engine import Database
from shared.web.conditional import none_match
from shared.web.planned import PlannedRoute
from shared.web.problems import PROBLEM_CONTENT, ServiceUnavailable

router = APIRouter(route_class=PlannedRoute, tags=["oauth"])


class DatabaseRevocationSource:
    def __init__(self, database: Database, *, token_ttl: int) -> None:
        self.database = database
        self.token_ttl = token_ttl

    async def fetch(self) -> RevocationDocument:
        async with self.database.sessionmaker() as session:
            return await clients.revocation_document(
                session, now=datetime.now(UTC), token_ttl=self.token_ttl, clock_skew=CLOCK_SKEW
            )


def _etag(document: RevocationDocument) -> str:
    # Weak, and over the revocations only: a document that differs only in `generated_at` is the
    # same answer, and a poller should get its 304.
    digest = hashlib.sha256(json.dumps(document.clients, sort_keys=True).encode()).hexdigest()
    return f'W/"{digest[:32]}"'


@router.get(
    "/.well-known/revocations.json",
    response_model=RevocationDocument,
    summary="Disabled and rotated clients, whose earlier tokens every service refuses",
    responses={
        304: {"description": "Unchanged since the ETag sent in If-None-Match."},
        503: {
            "description": "The gateway could not read its database at its last attempt.",
            "content": PROBLEM_CONTENT,
        },
    },
)
async def revocations(request: Request) -> Response:
    cache = gateway_state(request.app).revocations
    # Only what the latest read of the database said: a service counts the age of its copy from
    # when it fetched it, so the gateway must not pass on an old one.
    if not cache.last_refresh_succeeded or cache.document is None:
        raise ServiceUnavailable(
            "The gateway cannot read its revocations now; retry shortly.", slug="revocations-unavailable"
        )
    etag = _etag(cache.document)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if none_match(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(cache.document.model_dump_json(), media_type="application/json", headers=headers)
