"""Writing the access log in the reader's transaction, logging other services' reads, the
resident's disclosure with its inclusion proofs, and what auditors and monitors read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import checkpoints, merkle, repository, tree
from services.registry.accesslog import entries as leaves
from services.registry.accesslog.entries import Entry, Provision
from services.registry.tables import access_log, access_log_checkpoints
from shared.auth.tokens import Principal
from shared.contracts.registry import AccessLogEntriesIn
from shared.values import to_rfc3339, utc_now
from shared.web.context import current_request_id
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint
from shared.web.problems import BadRequest, NotFound, ServiceUnavailable, UnprocessableContent
from shared.web.purpose import purpose_problem

MAX_LEAVES = 1000
"""Leaf hashes per request to `/access-log/leaves`."""


@dataclass(slots=True)  # not frozen, like Entry: a bulk verification makes a thousand
class Provided:
    resident_code: str
    items: Sequence[str]


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The access log could not be written, so no personal data is provided; retry later.",
        slug="access-log-unavailable",
    )


def entries_of(
    provision: Provision, operation: str, items_by_resident: Mapping[str, str], recorded_at: datetime
) -> list[Entry]:
    """One entry per resident, each resident's items already comma-joined: a bulk verification
    makes a thousand, which built through `Provided` and `entry_of` cost several times more."""
    client_id, purpose, request_id = provision.client_id, provision.purpose, provision.request_id
    served_by = provision.served_by
    return [
        Entry(recorded_at, client_id, purpose, request_id, operation, resident_code, items, served_by)
        for resident_code, items in items_by_resident.items()
    ]


def entry_of(provision: Provision, operation: str, provided: Provided, recorded_at: datetime) -> Entry:
    return Entry(
        recorded_at=recorded_at,
        client_id=provision.client_id,
        purpose=provision.purpose,
        request_id=provision.request_id,
        operation=operation,
        resident_code=provided.resident_code,
        items=",".join(provided.items),
        served_by=provision.served_by,
    )


async def record(
    session: AsyncSession, *, provision: Provision, operation: str, provided: Sequence[Provided]
) -> None:
    """Append one entry per resident provided; fails the request if the log cannot be written."""
    if not provided:
        return
    recorded_at = utc_now()
    written = [entry_of(provision, operation, item, recorded_at) for item in provided]
    try:
        if len(written) == 1 and session.get_bind().dialect.name == "postgresql":
            entry = written[0]
            values = {**repository.values_of(entry), "leaf_hash": leaves.leaf_hashes(written)[0]}
            if await repository.append_one_postgres(session, values=values) != 1:
                raise unavailable()
            return
        await append_in_transaction(session, entries=written)
    except SQLAlchemyError as error:
        raise unavailable() from error


async def append_in_transaction(session: AsyncSession, *, entries: Sequence[Entry]) -> None:
    """Append `entries` at the head in the session's transaction, which holds the head until it
    commits; 503 if the head row is gone."""
    first_leaf = await repository.reserve(session, count=len(entries))
    if first_leaf is None:
        raise unavailable()
    hashes = leaves.leaf_hashes(entries)
    await repository.insert_entries(session, repository.rows_of(first_leaf, entries, hashes))


async def record_reads_of_service(
    session: AsyncSession, *, principal: Principal, reads: AccessLogEntriesIn
) -> int:
    """Log the reads another service made (it serves them only once this has committed)."""
    problem = purpose_problem(reads.purpose)
    if problem is not None:
        raise UnprocessableContent(f"The purpose {problem}.", slug="invalid-purpose")
    provision = Provision(
        client_id=reads.client_id,
        purpose=" ".join(reads.purpose.split()),
        request_id=current_request_id() or "-",
        served_by=principal.client_id,
    )
    provided = [
        Provided(read.resident_code, sorted(item.value for item in read.items)) for read in reads.reads
    ]
    await record(session, provision=provision, operation=reads.operation, provided=provided)
    return len(provided)


# --- the disclosure -----------------------------------------------------------------------------


def _record_document(row: Row[Any], proof: list[bytes] | None) -> dict[str, Any]:
    return {
        "entry_id": row.entry_id,
        "leaf_index": row.leaf_index,
        "recorded_at": to_rfc3339(row.recorded_at),
        "served_by": row.served_by,
        "client_id": row.client_id,
        "purpose": row.purpose,
        "request_id": row.request_id,
        "operation": row.operation,
        "resident_code": row.resident_code,
        "items": row.items.split(",") if row.items else [],
        "inclusion_proof": None if proof is None else [checkpoints.b64(digest) for digest in proof],
    }


async def disclosure(session: AsyncSession, *, resident_code: str, page: PageRequest) -> dict[str, Any]:
    """A page of the resident's entries (those under their former resident codes too), newest
    first, each with its inclusion proof against the latest checkpoint (those newer than it with
    none)."""
    rows, token = await keyset_page(
        session,
        repository.entries_of_resident(resident_code),
        sort_columns=[access_log.c.entry_id],
        page=page,
        fingerprint=query_fingerprint("list_access_records", resident_code=resident_code),
        position_of=lambda row: [row.entry_id],
        descending=True,
    )
    latest = await repository.latest_checkpoint(session)
    size = _size_of(latest)
    proved = [row for row in rows if row.leaf_index < size]
    proofs = await _proofs(session, [merkle.inclusion_ranges(row.leaf_index, size) for row in proved])
    proof_of = {row.leaf_index: proof for row, proof in zip(proved, proofs, strict=True)}
    return {
        "items": [_record_document(row, proof_of.get(row.leaf_index)) for row in rows],
        "next_page_token": token,
        "checkpoint": None if latest is None else checkpoints.document(latest),
    }


async def _proofs(session: AsyncSession, ranges_by_proof: list[list[tuple[int, int]]]) -> list[list[bytes]]:
    try:
        return await tree.range_hashes(session, ranges_by_proof)
    except tree.TreeIncompleteError as error:
        raise checkpoints.tree_incomplete() from error


# --- auditors and monitors ----------------------------------------------------------------------


def _size_of(checkpoint: Row[Any] | None) -> int:
    return 0 if checkpoint is None else int(checkpoint.tree_size)


async def checkpoint_page(session: AsyncSession, *, after_size: int, page: PageRequest) -> dict[str, Any]:
    rows, token = await keyset_page(
        session,
        repository.checkpoints_listing(after_size),
        sort_columns=[access_log_checkpoints.c.tree_size],
        page=page,
        fingerprint=query_fingerprint("list_access_log_checkpoints", after_size=after_size),
        position_of=lambda row: [row.tree_size],
    )
    return {"items": [checkpoints.document(row) for row in rows], "next_page_token": token}


async def latest_checkpoint(session: AsyncSession) -> dict[str, Any]:
    latest = await repository.latest_checkpoint(session)
    if latest is None:
        raise NotFound("No checkpoint has been signed yet: the log is empty.", slug="no-checkpoint")
    return checkpoints.document(latest)


async def consistency(session: AsyncSession, *, first: int, second: int) -> dict[str, Any]:
    size = _size_of(await repository.latest_checkpoint(session))
    if not 0 < first <= second:
        raise BadRequest("A consistency proof needs 0 < first <= second.", slug="invalid-tree-sizes")
    if second > size:
        raise NotFound(
            f"No checkpoint covers {second} entries yet (the latest covers {size}).",
            slug="tree-size-not-checkpointed",
        )
    proof = (await _proofs(session, [merkle.consistency_ranges(first, second)]))[0]
    return {"first": first, "second": second, "proof": [checkpoints.b64(digest) for digest in proof]}


async def leaf_hashes(session: AsyncSession, *, start: int, end: int) -> dict[str, Any]:
    """Leaf hashes of [start, end) within the latest checkpoint, at most MAX_LEAVES of them."""
    size = _size_of(await repository.latest_checkpoint(session))
    if not 0 <= start < end or end - start > MAX_LEAVES:
        raise BadRequest(
            f"Ask for 1 to {MAX_LEAVES} leaves with 0 <= start < end.", slug="invalid-leaf-range"
        )
    if end > size:
        raise NotFound(
            f"No checkpoint covers leaf {end - 1} yet (the latest covers {size}).",
            slug="tree-size-not-checkpointed",
        )
    try:
        found = await tree.hashes_between(session, 0, start, end)
    except tree.TreeIncompleteError as error:
        raise checkpoints.tree_incomplete() from error
    return {"start": start, "leaf_hashes": [checkpoints.b64(digest) for digest in found]}


async def public_keys(session: AsyncSession) -> dict[str, Any]:
    return {
        "keys": [
            {
                "key_id": row.key_id,
                "algorithm": "Ed25519",
                "public_key": checkpoints.b64(row.public_key),
                "created_at": to_rfc3339(row.created_at),
            }
            for row in await repository.public_keys(session)
        ]
    }
