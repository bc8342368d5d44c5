"""Writing prepared batches: asyncpg COPY on PostgreSQL, executemany elsewhere. All SQL of the import."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from typing import Any, Final

from sqlalchemy import ForeignKeyConstraint, Index, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

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

VERSION_TO_RESIDENT: Final[ForeignKeyConstraint] = next(iter(resident_versions.foreign_key_constraints))
"""Dropped during a bulk load as well and validated once at the end (one join instead of one
trigger-fired lookup per past state); the import itself writes a resident before its states."""


async def register_is_empty(connection: AsyncConnection) -> bool:
    return not bool((await connection.execute(select(exists().select_from(residents)))).scalar())


async def begin_bulk_load(connection: AsyncConnection) -> None:
    for index in SECONDARY_INDEXES:
        await connection.execute(DropIndex(index, if_exists=True))
    await connection.execute(DropConstraint(VERSION_TO_RESIDENT, if_exists=True))


async def end_bulk_load(connection: AsyncConnection) -> None:
    """Indexes and the foreign key back (whatever state an interrupted load left them in)."""
    for index in SECONDARY_INDEXES:
        await connection.execute(CreateIndex(index, if_not_exists=True))
    await connection.execute(DropConstraint(VERSION_TO_RESIDENT, if_exists=True))
    await connection.execute(AddConstraint(VERSION_TO_RESIDENT))


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


async def copy_batch(connection: AsyncConnection, residents_copy: bytes, versions_copy: bytes) -> None:
    """PostgreSQL: COPY one batch (binary COPY streams) inside the connection's transaction."""
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_to_table(
        "residents", source=io.BytesIO(residents_copy), columns=list(RESIDENT_COLUMNS), format="binary"
    )
    if versions_copy:
        await driver.copy_to_table(
            "resident_versions",
            source=io.BytesIO(versions_copy),
            columns=list(VERSION_COLUMNS),
            format="binary",
        )


async def insert_batch(
    connection: AsyncConnection,
    resident_rows: Sequence[tuple[Any, ...]],
    version_rows: Sequence[tuple[Any, ...]],
) -> None:
    """The portable path: one multi-row INSERT per table inside the connection's transaction."""
    await connection.execute(
        insert(residents), [dict(zip(RESIDENT_COLUMNS, row, strict=True)) for row in resident_rows]
    )
    if version_rows:
        await connection.execute(
            insert(resident_versions), [dict(zip(VERSION_COLUMNS, row, strict=True)) for row in version_rows]
        )
