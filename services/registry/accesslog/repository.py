"""All SQL of the access log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import LargeBinary, Row, bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog.chain import Entry
from services.registry.tables import access_log, access_log_heads

_APPEND_ONE_POSTGRES = text(
    """
    WITH head AS (
        UPDATE access_log_heads
        SET sequence = sequence + 1, last_hash = sha256(last_hash || :payload)
        WHERE lane = :lane
        RETURNING sequence, last_hash
    )
    INSERT INTO access_log
        (lane, sequence, recorded_at, client_id, purpose, request_id, operation, resident_code, items, hash)
    SELECT :lane, head.sequence, :recorded_at, :client_id, :purpose, :request_id, :operation,
           :resident_code, :items, head.last_hash
    FROM head
    """
).bindparams(bindparam("payload", type_=LargeBinary))


async def append_one_postgres(
    session: AsyncSession, *, lane: int, payload: bytes, values: dict[str, Any]
) -> int:
    """One entry in one statement: the lane head advances and the row is written together."""
    result = await session.execute(_APPEND_ONE_POSTGRES, {"lane": lane, "payload": payload, **values})
    return int(getattr(result, "rowcount", 0))


async def reserve(session: AsyncSession, *, lane: int, count: int) -> tuple[int, bytes] | None:
    """Advance a lane by `count` (locking it); the first sequence to use and the previous hash."""
    row = (
        await session.execute(
            update(access_log_heads)
            .where(access_log_heads.c.lane == lane)
            .values(sequence=access_log_heads.c.sequence + count)
            .returning(access_log_heads.c.sequence, access_log_heads.c.last_hash)
        )
    ).one_or_none()
    if row is None:
        return None
    return int(row.sequence) - count + 1, bytes(row.last_hash)


_COPY_COLUMNS = (
    "lane", "sequence", "recorded_at", "client_id", "purpose",
    "request_id", "operation", "resident_code", "items", "hash",
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


def rows_of(
    lane: int, first_sequence: int, entries: Sequence[Entry], hashes: Sequence[bytes]
) -> list[dict[str, Any]]:
    return [
        {**values_of(entry), "lane": lane, "sequence": first_sequence + offset, "hash": digest}
        for offset, (entry, digest) in enumerate(zip(entries, hashes, strict=True))
    ]


def values_of(entry: Entry) -> dict[str, Any]:
    return {
        "recorded_at": entry.recorded_at,
        "client_id": entry.client_id,
        "purpose": entry.purpose,
        "request_id": entry.request_id,
        "operation": entry.operation,
        "resident_code": entry.resident_code,
        "items": entry.items,
    }


# The head advances only if it is still where the writer last left it; the rows go in the same
# statement, so the batch is one round trip and one commit (auto-committed by the server).
_APPEND_BATCH_POSTGRES = """
    WITH head AS (
        UPDATE access_log_heads SET sequence = $3, last_hash = $4
        WHERE lane = $1 AND sequence = $2 AND last_hash = $5
        RETURNING lane
    )
    INSERT INTO access_log
        (lane, sequence, recorded_at, client_id, purpose, request_id, operation, resident_code, items, hash)
    SELECT head.lane, e.sequence, e.recorded_at, e.client_id, e.purpose, e.request_id, e.operation,
           e.resident_code, e.items, e.hash
    FROM head, unnest(
        $6::bigint[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
        $13::text[], $14::bytea[]
    ) AS e(sequence, recorded_at, client_id, purpose, request_id, operation, resident_code, items, hash)
"""


async def lane_head(driver: Any, lane: int) -> tuple[int, bytes] | None:
    """A lane's head on a raw asyncpg connection (outside any transaction)."""
    row = await driver.fetchrow("SELECT sequence, last_hash FROM access_log_heads WHERE lane = $1", lane)
    return None if row is None else (int(row["sequence"]), bytes(row["last_hash"]))


async def append_batch(
    driver: Any, *, lane: int, after: tuple[int, bytes], entries: Sequence[Entry], hashes: Sequence[bytes]
) -> bool:
    """Append `entries` after the head `after` of `lane`; False (nothing written) if it moved."""
    sequence, previous = after
    status: str = await driver.execute(
        _APPEND_BATCH_POSTGRES,
        lane,
        sequence,
        sequence + len(entries),
        hashes[-1],
        previous,
        list(range(sequence + 1, sequence + 1 + len(entries))),
        [entry.recorded_at for entry in entries],
        [entry.client_id for entry in entries],
        [entry.purpose for entry in entries],
        [entry.request_id for entry in entries],
        [entry.operation for entry in entries],
        [entry.resident_code for entry in entries],
        [entry.items for entry in entries],
        list(hashes),
    )
    return status == f"INSERT 0 {len(entries)}"


async def set_head_hash(session: AsyncSession, *, lane: int, last_hash: bytes) -> None:
    await session.execute(
        update(access_log_heads).where(access_log_heads.c.lane == lane).values(last_hash=last_hash)
    )


async def heads(session: AsyncSession) -> list[Row[Any]]:
    return list((await session.execute(select(access_log_heads).order_by(access_log_heads.c.lane))).all())


async def stream_entries(session: AsyncSession) -> AsyncIterator[Row[Any]]:
    result = await session.stream(
        select(access_log)
        .order_by(access_log.c.lane, access_log.c.sequence)
        .execution_options(yield_per=5000)
    )
    async for row in result:
        yield row
