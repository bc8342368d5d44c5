"""Writing prepared batches: asyncpg COPY on PostgreSQL, executemany elsewhere. All SQL of the import."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    ForeignKeyConstraint,
    Index,
    any_,
    case,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex
from sqlalchemy.types import String

from services.registry.feed.service import SNAPSHOT_COLUMNS
from services.registry.importer.parsing import RESIDENT_COLUMNS, VERSION_COLUMNS
from services.registry.tables import (
    feed_head,
    local_government_codes,
    resident_events,
    resident_versions,
    residents,
)


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


ARRIVALS: Final = ("birth", "move_in", "move_within")


async def record_in_feed(connection: AsyncConnection, codes: Sequence[str], *, recorded_by: str) -> None:
    """Tell the change feed of a batch's residents, in the batch's transaction.

    Each imported resident gets one event: the kind that produced its current state, effective
    when that state began, with the state as its snapshot, as if it had been recorded through
    the API. The sequence range is taken from the head in one step, which keeps the head locked
    until the batch commits, so consumers never see a gap fill in later.
    """
    if not codes:
        return
    head = (
        await connection.execute(
            update(feed_head)
            .where(feed_head.c.id == 1)
            .values(last_sequence=feed_head.c.last_sequence + len(codes))
            .returning(feed_head.c.last_sequence)
        )
    ).scalar_one()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        # The register grows by a batch at a time faster than autovacuum analyses it, so the
        # planner believes it small and walks all of it for each batch's codes (1.8 s a batch
        # at 1 M residents) instead of reading them by primary key.
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
    kind = residents.c.event_type
    chosen = (
        residents.c.resident_code == any_(literal(list(codes), ARRAY(String)))
        if postgresql
        else residents.c.resident_code.in_(list(codes))
    )
    rows = select(
        literal(head - len(codes)) + func.row_number().over(order_by=residents.c.resident_code),
        residents.c.resident_code,
        kind,
        residents.c.valid_from,
        residents.c.recorded_at,
        literal(recorded_by),
        residents.c.version,
        case((kind == "move_out", residents.c.local_government_code)),
        case((kind.in_(ARRIVALS), residents.c.local_government_code)),
        case((kind == "move_in", residents.c.from_abroad)),
        _snapshot(postgresql=postgresql),
    ).where(chosen)
    await connection.execute(
        insert(resident_events).from_select(
            [
                "sequence",
                "resident_code",
                "type",
                "effective_date",
                "recorded_at",
                "recorded_by",
                "resident_version",
                "from_local_government_code",
                "to_local_government_code",
                "from_abroad",
                "snapshot",
            ],
            rows,
        )
    )


def _snapshot(*, postgresql: bool) -> ColumnElement[Any]:
    """The feed's snapshot of a resident row, built by the database (dates as ISO text)."""
    pairs: list[Any] = []
    for name in SNAPSHOT_COLUMNS:
        value: ColumnElement[Any] = residents.c[name]
        if not postgresql and name == "from_abroad":
            # SQLite keeps booleans as 0 and 1; the snapshot says true and false.
            value = case((value, func.json("true")), else_=func.json("false"))
        pairs += [literal_column(f"'{name}'"), value]
    return func.json_build_object(*pairs) if postgresql else func.json_object(*pairs)
