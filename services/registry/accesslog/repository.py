"""All SQL of the access log: appending entries, the stored tree, checkpoints and signing keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    LargeBinary,
    Row,
    Select,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog.entries import Entry, provision_of
from services.registry.tables import (
    access_log,
    access_log_checkpoints,
    access_log_head,
    access_log_nodes,
    access_log_signing_keys,
    access_log_tree,
    resident_code_changes,
)

HEAD_ID = 1

# --- appending ------------------------------------------------------------------------------

_APPEND_ONE_POSTGRES = text(
    """
    WITH head AS (
        UPDATE access_log_head SET size = size + 1 WHERE id = 1 RETURNING size - 1 AS leaf_index
    )
    INSERT INTO access_log
        (leaf_index, recorded_at, served_by, client_id, purpose, request_id, operation,
         resident_code, items, leaf_hash)
    SELECT head.leaf_index, :recorded_at, :served_by, :client_id, :purpose, :request_id, :operation,
           :resident_code, :items, :leaf_hash
    FROM head
    """
).bindparams(bindparam("leaf_hash", type_=LargeBinary))


async def append_one_postgres(session: AsyncSession, *, values: dict[str, Any]) -> int:
    """One entry in one statement: the head advances and the row is written together."""
    result = await session.execute(_APPEND_ONE_POSTGRES, values)
    return int(getattr(result, "rowcount", 0))


async def reserve(session: AsyncSession, *, count: int) -> int | None:
    """Advance the head by `count` (locking it until the transaction ends); the first leaf index."""
    size = (
        await session.execute(
            update(access_log_head)
            .where(access_log_head.c.id == HEAD_ID)
            .values(size=access_log_head.c.size + count)
            .returning(access_log_head.c.size)
        )
    ).scalar_one_or_none()
    return None if size is None else int(size) - count


_COPY_COLUMNS = (
    "leaf_index", "recorded_at", "served_by", "client_id", "purpose",
    "request_id", "operation", "resident_code", "items", "leaf_hash",
)  # fmt: skip
_COPY_FROM = 50


async def insert_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many entries: COPY on PostgreSQL (inside the request's transaction), else executemany."""
    if len(rows) >= _COPY_FROM and session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(
            "access_log",
            records=[tuple(row[name] for name in _COPY_COLUMNS) for row in rows],
            columns=_COPY_COLUMNS,
        )
        return
    await session.execute(insert(access_log), list(rows))


def rows_of(first_leaf: int, entries: Sequence[Entry], hashes: Sequence[bytes]) -> list[dict[str, Any]]:
    return [
        {**values_of(entry), "leaf_index": first_leaf + offset, "leaf_hash": digest}
        for offset, (entry, digest) in enumerate(zip(entries, hashes, strict=True))
    ]


def values_of(entry: Entry) -> dict[str, Any]:
    return {
        "recorded_at": entry.recorded_at,
        "served_by": entry.served_by,
        "client_id": entry.client_id,
        "purpose": entry.purpose,
        "request_id": entry.request_id,
        "operation": entry.operation,
        "resident_code": entry.resident_code,
        "items": entry.items,
    }


# The head advances and the rows go in one statement, so a batch is one round trip and one
# commit (auto-committed by the server), and the head's row lock is held only that long.
# The entries travel as delimited strings and one concatenated bytea, their provisions (when,
# by whom, to whom, why, which request) once each: asyncpg encodes an array element by element,
# and nine arrays of a thousand entries cost several times what this does. Resident
# codes are digits and item lists comma-joined names, so neither holds ',' or ';'; every hash
# is 32 bytes.
_APPEND_BATCH_POSTGRES = """
    WITH head AS (
        UPDATE access_log_head SET size = size + $1 WHERE id = 1 RETURNING size - $1 AS first_leaf
    )
    INSERT INTO access_log
        (leaf_index, recorded_at, served_by, client_id, purpose, request_id, operation,
         resident_code, items, leaf_hash)
    SELECT head.first_leaf + e.n - 1, p.recorded_at, p.served_by, p.client_id, p.purpose,
           p.request_id, p.operation, e.resident_code, e.items,
           substring($5::bytea FROM (e.n::int - 1) * 32 + 1 FOR 32)
    FROM head,
        unnest(string_to_array($2, ','), string_to_array($3, ';'), string_to_array($4, ',')::int[])
            WITH ORDINALITY AS e(resident_code, items, provision, n)
        JOIN unnest($6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
            WITH ORDINALITY AS p(recorded_at, served_by, client_id, purpose, request_id, operation,
                                 provision)
            USING (provision)
"""


async def append_batch(driver: Any, *, entries: Sequence[Entry], hashes: Sequence[bytes]) -> bool:
    """Append `entries` at the head on a raw asyncpg connection; False if nothing was written."""
    provisions: list[tuple[datetime, str, str, str, str, str]] = []
    provision_of_entry = []
    for entry in entries:
        provision = provision_of(entry)
        if not provisions or provisions[-1] != provision:
            provisions.append(provision)
        provision_of_entry.append(str(len(provisions)))
    columns = [list(column) for column in zip(*provisions, strict=True)]
    status: str = await driver.execute(
        _APPEND_BATCH_POSTGRES,
        len(entries),
        ",".join(entry.resident_code for entry in entries),
        ";".join(entry.items for entry in entries),
        ",".join(provision_of_entry),
        b"".join(hashes),
        *columns,
    )
    return status == f"INSERT 0 {len(entries)}"


# --- the stored tree ------------------------------------------------------------------------


async def lock_tree(session: AsyncSession) -> int | None:
    """The size the stored nodes cover, locking it until the transaction ends (one builder)."""
    size = (
        await session.execute(
            select(access_log_tree.c.size).where(access_log_tree.c.id == HEAD_ID).with_for_update()
        )
    ).scalar_one_or_none()
    return None if size is None else int(size)


async def head_size(session: AsyncSession) -> int | None:
    size = (
        await session.execute(select(access_log_head.c.size).where(access_log_head.c.id == HEAD_ID))
    ).scalar_one_or_none()
    return None if size is None else int(size)


async def set_tree_size(session: AsyncSession, size: int) -> None:
    await session.execute(update(access_log_tree).where(access_log_tree.c.id == HEAD_ID).values(size=size))


@dataclass(frozen=True, slots=True)
class HashRun:
    """The stored hashes of one level in [start, end): how many, the first and last index found,
    and the hashes concatenated in index order (32 bytes each)."""

    count: int
    first: int | None
    last: int | None
    hashes: bytes

    def is_whole(self, start: int, end: int) -> bool:
        """Every index of [start, end) is there (indexes are unique, so count and ends suffice)."""
        return self.count == end - start and (self.first, self.last) == (start, end - 1)


def _run_columns(level: int) -> tuple[Any, Any, Any]:
    """The table's index column, hash column and the condition that picks `level`."""
    if level == 0:
        return access_log.c.leaf_index, access_log.c.leaf_hash, true()
    return access_log_nodes.c.node_index, access_log_nodes.c.hash, access_log_nodes.c.level == level


async def hash_run(session: AsyncSession, level: int, start: int, end: int) -> HashRun:
    """The hashes of `level` (0: the leaves) in [start, end). On PostgreSQL they come back as one
    value (`string_agg`): a checkpoint reads every new leaf, and a row per leaf through the ORM
    cost seven times the hashing."""
    index, digest, at_level = _run_columns(level)
    in_range = (at_level, index >= start, index < end)
    if session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(digest, aggregate_order_by(literal_column("''::bytea"), index))
        row = (
            await session.execute(
                select(func.count(), func.min(index), func.max(index), joined).where(*in_range)
            )
        ).one()
        return HashRun(int(row[0]), row[1], row[2], bytes(row[3] or b""))
    rows = (await session.execute(select(index, digest).where(*in_range).order_by(index))).all()
    return HashRun(
        len(rows),
        rows[0][0] if rows else None,
        rows[-1][0] if rows else None,
        b"".join(bytes(row[1]) for row in rows),
    )


async def insert_nodes(session: AsyncSession, level: int, first_index: int, hashes: Sequence[bytes]) -> None:
    await session.execute(
        insert(access_log_nodes),
        [
            {"level": level, "node_index": first_index + offset, "hash": digest}
            for offset, digest in enumerate(hashes)
        ],
    )


async def leaf_hashes_at(session: AsyncSession, indexes: Iterable[int]) -> dict[int, bytes]:
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    rows = await session.execute(
        select(access_log.c.leaf_index, access_log.c.leaf_hash).where(access_log.c.leaf_index.in_(wanted))
    )
    return {int(index): bytes(digest) for index, digest in rows.all()}


async def node_hashes_at(session: AsyncSession, level: int, indexes: Iterable[int]) -> dict[int, bytes]:
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    rows = await session.execute(
        select(access_log_nodes.c.node_index, access_log_nodes.c.hash).where(
            access_log_nodes.c.level == level, access_log_nodes.c.node_index.in_(wanted)
        )
    )
    return {int(index): bytes(digest) for index, digest in rows.all()}


# --- checkpoints ----------------------------------------------------------------------------


async def insert_checkpoint(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(access_log_checkpoints).values(**values))


async def latest_checkpoint(session: AsyncSession) -> Row[Any] | None:
    return (
        await session.execute(
            select(access_log_checkpoints).order_by(access_log_checkpoints.c.tree_size.desc()).limit(1)
        )
    ).one_or_none()


async def checkpoint_at(session: AsyncSession, tree_size: int) -> Row[Any] | None:
    return (
        await session.execute(
            select(access_log_checkpoints).where(access_log_checkpoints.c.tree_size == tree_size)
        )
    ).one_or_none()


def checkpoints_listing(after_size: int) -> Select[Any]:
    return select(access_log_checkpoints).where(access_log_checkpoints.c.tree_size > after_size)


# --- signing keys ---------------------------------------------------------------------------


async def signing_keys(session: AsyncSession) -> list[Row[Any]]:
    return list(
        (
            await session.execute(
                select(access_log_signing_keys).order_by(
                    access_log_signing_keys.c.created_at, access_log_signing_keys.c.key_id
                )
            )
        ).all()
    )


async def public_keys(session: AsyncSession) -> list[Row[Any]]:
    keys = access_log_signing_keys
    public: Select[Any] = select(keys.c.key_id, keys.c.public_key, keys.c.created_at)
    return list((await session.execute(public.order_by(keys.c.created_at))).all())


async def insert_signing_key(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(access_log_signing_keys).values(**values))


# --- the disclosure ---------------------------------------------------------------------------


def entries_of_resident(resident_code: str) -> Select[Any]:
    """The resident's entries, those recorded under the codes they had before a resident-code
    change (住民票コードの変更) too: an entry's resident code is part of its hashed leaf and is never
    rewritten, and `resident_code_changes` always points a former code at the current one."""
    former = select(resident_code_changes.c.former_resident_code).where(
        resident_code_changes.c.resident_code == resident_code
    )
    return select(access_log).where(
        (access_log.c.resident_code == resident_code) | access_log.c.resident_code.in_(former)
    )
