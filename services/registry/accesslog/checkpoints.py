"""Signing checkpoints of the log's tree: at a fixed interval, and on demand.

One builder at a time (the `access_log_tree` row is locked while it runs): it stores the tree's
new complete subtrees from the leaves appended since the last checkpoint, computes the root from
the stored subtrees, and signs it. The cost is the new leaves', never the whole log's.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import checkpoint, keys, repository, tree
from shared.db.engine import Database
from shared.values import to_rfc3339, utc_now
from shared.web.problems import ServiceUnavailable

log = structlog.get_logger("jichi.registry.accesslog")


def tree_incomplete() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The access log's stored tree is incomplete: entries it had are missing. Auditors have been "
        "given the evidence they need; nothing is proved from it.",
        slug="access-log-tree-incomplete",
    )


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    signed_at: datetime
    key_id: str
    signature: bytes


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def document(signed: Any) -> dict[str, Any]:
    """A checkpoint (row or `SignedCheckpoint`) as the API shows it."""
    return {
        "origin": signed.origin,
        "tree_size": int(signed.tree_size),
        "root_hash": b64(signed.root_hash),
        "signed_at": to_rfc3339(signed.signed_at),
        "key_id": signed.key_id,
        "signature": b64(signed.signature),
    }


def sign(
    key: keys.SigningKey, *, origin: str, tree_size: int, root_hash: bytes, at: datetime
) -> SignedCheckpoint:
    text = checkpoint.body(origin=origin, tree_size=tree_size, root_hash=root_hash, signed_at=to_rfc3339(at))
    return SignedCheckpoint(origin, tree_size, root_hash, at, key.key_id, key.sign(text))


async def build(session: AsyncSession, *, key: keys.SigningKey, origin: str) -> SignedCheckpoint | None:
    """Sign a checkpoint of every entry committed so far, if there are entries the latest one
    lacks; None if there are none."""
    covered = await repository.lock_tree(session)
    size = await repository.head_size(session)
    if covered is None or size is None or size < covered:
        raise tree.TreeIncompleteError("the log's head or tree row is missing, or the head went back")
    if size == covered:
        return None
    await tree.extend(session, covered=covered, size=size)
    signed = sign(key, origin=origin, tree_size=size, root_hash=await tree.root(session, size), at=utc_now())
    await repository.insert_checkpoint(
        session,
        {
            "tree_size": signed.tree_size,
            "root_hash": signed.root_hash,
            "signed_at": signed.signed_at,
            "origin": signed.origin,
            "key_id": signed.key_id,
            "signature": signed.signature,
        },
    )
    await repository.set_tree_size(session, size)
    return signed


class Checkpointer:
    """Signs a checkpoint every `interval_seconds` when the log has grown, and on demand."""

    def __init__(self, database: Database, *, secret: str, origin: str, interval_seconds: float) -> None:
        self.database = database
        self.secret = secret
        self.origin = origin
        self.interval_seconds = interval_seconds
        self._one_at_a_time = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Make the signing key if there is none, so that it is published before it signs."""
        async with self.database.sessionmaker.begin() as session:
            await keys.signing_key(session, secret=self.secret)
        if self.interval_seconds > 0:
            self._ticker = asyncio.create_task(self._every_interval())

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker

    async def checkpoint(self) -> SignedCheckpoint | None:
        """A new checkpoint if entries were appended since the latest one; raises
        `TreeIncompleteError` if the stored tree cannot be extended."""
        async with self._one_at_a_time, self.database.sessionmaker.begin() as session:
            key = await keys.signing_key(session, secret=self.secret)
            return await build(session, key=key, origin=self.origin)

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            try:
                signed = await self.checkpoint()
            except Exception as error:  # the next tick tries again; the failure is logged
                log.warning("access_log_checkpoint_failed", error=type(error).__name__, detail=str(error))
                continue
            if signed is not None:
                log.info("access_log_checkpoint", tree_size=signed.tree_size)
