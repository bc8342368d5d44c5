"""All SQL of the access log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
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
# The entries travel as delimited strings and one concatenated bytea, their provisions (who,
# why, which request, when) once each: asyncpg encodes an array element by element, and nine
# arrays of a thousand entries cost 4.6 ms a batch where this costs 1.1 ms. Resident codes are
# digits and item lists comma-joined names, so neither holds ',' or ';'; every hash is 32 bytes.
_APPEND_BATCH_POSTGRES = """
    WITH head AS (
        UPDATE access_log_heads SET sequence = $3, last_hash = $4
        WHERE lane = $1 AND sequence = $2 AND last_hash = $5
        RETURNING lane
    )
    INSERT INTO access_log
        (lane, sequence, recorded_at, client_id, purpose, request_id, operation, resident_code, items, hash)
    SELECT head.lane, $2 + e.n, p.recorded_at, p.client_id, p.purpose, p.request_id, p.operation,
           e.resident_code, e.items, substring($9::bytea FROM (e.n::int - 1) * 32 + 1 FOR 32)
    FROM head,
        unnest(string_to_array($6, ','), string_to_array($7, ';'), string_to_array($8, ',')::int[])
            WITH ORDINALITY AS e(resident_code, items, provision, n)
        JOIN unnest($10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[])
            WITH ORDINALITY AS p(recorded_at, client_id, purpose, request_id, operation, provision)
            USING (provision)
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
    provisions: list[tuple[datetime, str, str, str, str]] = []
    provision_of_entry = []
    for entry in entries:
        provision = (entry.recorded_at, entry.client_id, entry.purpose, entry.request_id, entry.operation)
        if not provisions or provisions[-1] != provision:
            provisions.append(provision)
        provision_of_entry.append(str(len(provisions)))
    recorded_at, client_ids, purposes, request_ids, operations = (
        list(column) for column in zip(*provisions, strict=True)
    )
    status: str = await driver.execute(
        _APPEND_BATCH_POSTGRES,
        lane,
        sequence,
        sequence + len(entries),
        hashes[-1],
        previous,
        ",".join(entry.resident_code for entry in entries),
        ";".join(entry.items for entry in entries),
        ",".join(provision_of_entry),
        b"".join(hashes),
        recorded_at,
        client_ids,
        purposes,
        request_ids,
        operations,
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
