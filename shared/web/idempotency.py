"""Idempotent creating requests (`Idempotency-Key`).

The key is claimed in its own short transaction, so a concurrent duplicate sees it at once
(409) instead of waiting; the first response is stored in the same transaction as the change
it describes, so a retry gets exactly that response, without running the handler again. A
request that fails frees its key.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Request
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import Response

from shared.auth.dependencies import anonymous_or_authenticated
from shared.auth.tokens import Principal
from shared.db.engine import Database
from shared.db.types import UtcDateTime
from shared.web.problems import Conflict, UnprocessableContent
from shared.web.responses import json_response
from shared.web.state import state_of

ABANDONED_AFTER = timedelta(minutes=2)
KEPT_FOR = timedelta(hours=24)
REPLAY_HEADER = "Idempotent-Replayed"


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("client_id", String(200), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=True),
        Column("response_body", LargeBinary, nullable=True),
        Column("response_headers", JSON, nullable=True),
        Column("created_at", UtcDateTime(), nullable=False),
    )


class ReplayedResponse(Exception):  # noqa: N818 - control flow, answered by its handler
    """A retry of a completed request: its first response is the answer, the handler never runs."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


async def answer_replay(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ReplayedResponse)
    return exc.response


class IdempotentWrite:
    """The session of a creating request, and the response to keep for its retries.

    The session is opened when the handler first asks for it: a write done in one statement
    outside it (a check-in) costs no session at all.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self.opened: AsyncSession | None = None
        self.response: Response | None = None

    @property
    def session(self) -> AsyncSession:
        if self.opened is None:
            self.opened = self._sessionmaker()
        return self.opened

    def respond(
        self,
        content: Any,
        *,
        status_code: int = 201,
        headers: dict[str, str] | None = None,
        version: int | None = None,
        location: str | None = None,
    ) -> Response:
        self.response = json_response(
            content, status_code=status_code, headers=headers, version=version, location=location
        )
        return self.response


def canonical_body(body: bytes) -> bytes:
    """The same JSON with other whitespace or key order is the same request; other bodies as sent."""
    try:
        return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        return body


def _fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.url.path}?{request.url.query}\n".encode())
    digest.update(canonical_body(body))
    return digest.hexdigest()


class _KeyClaim:
    def __init__(self, database: Database, table: Table, client_id: str, key: str) -> None:
        self.database = database
        self.table = table
        self.client_id = client_id
        self.key = key

    @property
    def _this_key(self) -> Any:
        return (self.table.c.client_id == self.client_id) & (self.table.c.key == self.key)

    async def claim(self, fingerprint: str) -> Response | None:
        """Claim the key, or return the stored response of the request that claimed it first."""
        now = datetime.now(UTC)
        async with self.database.sessionmaker() as session:
            try:
                await session.execute(
                    insert(self.table).values(
                        client_id=self.client_id, key=self.key, fingerprint=fingerprint, created_at=now
                    )
                )
                await session.commit()
                return None
            except IntegrityError:
                await session.rollback()
            row = (await session.execute(select(self.table).where(self._this_key))).one_or_none()
            if row is None:
                return await self.claim(fingerprint)
            created_at = row.created_at
            stale = created_at < now - (KEPT_FOR if row.status_code else ABANDONED_AFTER)
            if stale:
                await session.execute(
                    update(self.table)
                    .where(self._this_key, self.table.c.created_at == row.created_at)
                    .values(
                        fingerprint=fingerprint,
                        created_at=now,
                        status_code=None,
                        response_body=None,
                        response_headers=None,
                    )
                )
                await session.commit()
                return None
        if row.fingerprint != fingerprint:
            raise UnprocessableContent(
                "This Idempotency-Key was already used with a different request.",
                slug="idempotency-key-reused",
            )
        if row.status_code is None:
            raise Conflict(
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                slug="idempotency-key-in-progress",
                headers={"Retry-After": "1"},
            )
        headers = dict(row.response_headers or {})
        headers[REPLAY_HEADER] = "true"
        return Response(
            row.response_body, status_code=row.status_code, headers=headers, media_type="application/json"
        )

    async def store(self, session: AsyncSession, response: Response) -> None:
        headers = {k: v for k, v in response.headers.items() if k.lower() in {"etag", "location"}}
        await session.execute(
            update(self.table)
            .where(self._this_key)
            .values(
                status_code=response.status_code, response_body=bytes(response.body), response_headers=headers
            )
        )

    async def release(self) -> None:
        async with self.database.sessionmaker() as session:
            await session.execute(
                delete(self.table).where(self._this_key, self.table.c.status_code.is_(None))
            )
            await session.commit()


async def idempotent_write(
    request: Request,
    principal: Annotated[Principal | None, Depends(anonymous_or_authenticated)],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            description="Makes the request safe to retry: a retry with the same key and body "
            "returns the first response; the same key with another body is refused (422).",
        ),
    ] = None,
) -> AsyncIterator[IdempotentWrite]:
    state = state_of(request.app)
    database = state.database
    if idempotency_key is None:
        unkeyed = IdempotentWrite(database.sessionmaker)
        try:
            yield unkeyed
            if unkeyed.opened is not None:
                await unkeyed.opened.commit()
        except BaseException:
            if unkeyed.opened is not None:
                await unkeyed.opened.rollback()
            raise
        finally:
            if unkeyed.opened is not None:
                await unkeyed.opened.close()
        return
    client_id = principal.client_id if principal else "anonymous"
    assert state.idempotency_table is not None, "an app with idempotent writes is given its table"
    claim = _KeyClaim(database, state.idempotency_table, client_id, idempotency_key)
    replay = await claim.claim(_fingerprint(request, await request.body()))
    if replay is not None:
        raise ReplayedResponse(replay)
    stored = False
    try:
        write = IdempotentWrite(database.sessionmaker)
        async with write.session as session:
            yield write
            keep = write.response is not None and write.response.status_code < 300
            if write.response is not None and keep:
                await claim.store(session, write.response)
            await session.commit()
            stored = keep
    finally:
        if not stored:
            await claim.release()


WriteDep = Annotated[IdempotentWrite, Depends(idempotent_write, scope="function")]
