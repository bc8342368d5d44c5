"""Writing prepared batches: asyncpg COPY on PostgreSQL, executemany elsewhere. All SQL of the import."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Index, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateIndex, DropIndex

from services.registry.importer.parsing import RESIDENT_COLUMNS, VERSION_COLUMNS
from services.registry.tables import local_government_codes, resident_versions, residents


async def residence_codes(connection: AsyncConnection, residence_kinds: Collection[str]) -> set[str]:
    statement = select(local_government_codes.c.code).where(
        local_government_codes.c.kind.in_(list(residence_kinds)), local_government_codes.c.to_date.is_(None)
    )
    return set((await connection.execute(statement)).scalars())


SECONDARY_INDEXES: tuple[Index, ...] = (*residents.indexes, *resident_versions.indexes)
"""Dropped during a bulk load into an empty register and rebuilt once at the end (sorting
once is far cheaper than maintaining five B-trees row by row)."""


async def register_is_empty(connection: AsyncConnection) -> bool:
    return not bool((await connection.execute(select(exists().select_from(residents)))).scalar())


async def drop_secondary_indexes(connection: AsyncConnection) -> None:
    for index in SECONDARY_INDEXES:
        await connection.execute(DropIndex(index, if_exists=True))


async def create_secondary_indexes(connection: AsyncConnection) -> None:
    for index in SECONDARY_INDEXES:
        await connection.execute(CreateIndex(index, if_not_exists=True))


async def taken_codes(connection: AsyncConnection, codes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 5000):
        chunk = list(codes[start : start + 5000])
        statement = select(residents.c.resident_code).where(residents.c.resident_code.in_(chunk))
        found.update((await connection.execute(statement)).scalars())
    return found


async def taken_hashes(connection: AsyncConnection, hashes: Sequence[bytes]) -> set[bytes]:
    found: set[bytes] = set()
    for start in range(0, len(hashes), 5000):
        chunk = list(hashes[start : start + 5000])
        statement = select(residents.c.individual_number_hash).where(
            residents.c.individual_number_hash.in_(chunk)
        )
        found.update(bytes(value) for value in (await connection.execute(statement)).scalars())
    return found


async def write_batch(
    connection: AsyncConnection,
    resident_rows: Sequence[tuple[Any, ...]],
    version_rows: Sequence[tuple[Any, ...]],
) -> None:
    """Write one batch inside the connection's transaction (the caller commits or rolls back)."""
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table("residents", records=resident_rows, columns=list(RESIDENT_COLUMNS))
        if version_rows:
            await driver.copy_records_to_table(
                "resident_versions", records=version_rows, columns=list(VERSION_COLUMNS)
            )
        return
    await connection.execute(
        insert(residents), [dict(zip(RESIDENT_COLUMNS, row, strict=True)) for row in resident_rows]
    )
    if version_rows:
        await connection.execute(
            insert(resident_versions), [dict(zip(VERSION_COLUMNS, row, strict=True)) for row in version_rows]
        )
