"""Writing prepared batches: asyncpg COPY on PostgreSQL, executemany elsewhere. All SQL of the import."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKeyConstraint,
    Index,
    any_,
    case,
    exists,
    func,
    insert,
    inspect,
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
    STATE_COLUMNS,
    feed_head,
    local_government_codes,
    resident_events,
    resident_versions,
    residents,
)
from shared.db.types import UtcDateTime


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


async def registered_numbers(connection: AsyncConnection, hashes: Sequence[bytes]) -> dict[bytes, str]:
    """Individual-number hashes already in the register, with the resident holding each."""
    found: dict[bytes, str] = {}
    for start in range(0, len(hashes), 5000):
        chunk = list(hashes[start : start + 5000])
        statement = select(residents.c.individual_number_hash, residents.c.resident_code).where(
            residents.c.individual_number_hash.in_(chunk)
        )
        for number_hash, code in await connection.execute(statement):
            found[bytes(number_hash)] = code
    return found


FourItems = tuple[str, date, str, str]


async def four_item_matches(
    connection: AsyncConnection, keys: Collection[FourItems]
) -> dict[FourItems, list[str]]:
    """Registered residents with the same folded name, date of birth, sex and folded address."""
    found: dict[FourItems, list[str]] = {}
    wanted = set(keys)
    births = sorted({birth for _, birth, _, _ in wanted})
    for start in range(0, len(births), 1000):
        statement = select(
            residents.c.name_key,
            residents.c.date_of_birth,
            residents.c.sex,
            residents.c.address_key,
            residents.c.resident_code,
        ).where(
            residents.c.date_of_birth.in_(births[start : start + 1000]),
            residents.c.name_key.in_(sorted({name for name, _, _, _ in wanted})),
        )
        for name, birth, sex, address, code in await connection.execute(statement):
            key = (name, birth, sex, address)
            if key in wanted:
                found.setdefault(key, []).append(code)
    return found


async def schema_revision(connection: AsyncConnection) -> str | None:
    """The database's migration revision, or None where it was never migrated."""
    tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    if "alembic_version" not in tables:
        return None
    return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()


FILLED_TABLES: Final = ("residents", "resident_versions", "resident_events")


async def analyze(connection: AsyncConnection) -> None:
    """Refresh the planner's statistics of the tables an import fills: autovacuum analyses a
    freshly loaded table only after a delay, and until then plans are made for an empty one."""
    if connection.dialect.name == "postgresql":
        await connection.execute(text(f"ANALYZE {', '.join(FILLED_TABLES)}"))
    else:
        for table in FILLED_TABLES:
            await connection.execute(text(f"ANALYZE {table}"))


STATE_SELECTED: Final = tuple(residents.c[name] for name in STATE_COLUMNS)


async def stored_records(
    connection: AsyncConnection, codes: Sequence[str]
) -> dict[str, tuple[tuple[Any, ...], set[tuple[Any, ...]]]]:
    """Each resident's current state and believed past states (state columns, the past ones with
    `valid_to`), without the instant they were recorded: what an update compares with a line."""
    found: dict[str, tuple[tuple[Any, ...], set[tuple[Any, ...]]]] = {}
    if not codes:
        return found
    current = select(residents.c.resident_code, *STATE_SELECTED).where(residents.c.resident_code.in_(codes))
    for row in await connection.execute(current):
        found[row[0]] = (_comparable(tuple(row[1:])), set())
    past = select(
        resident_versions.c.resident_code,
        *(resident_versions.c[name] for name in STATE_COLUMNS),
        resident_versions.c.valid_to,
    ).where(resident_versions.c.resident_code.in_(codes), resident_versions.c.superseded_at.is_(None))
    for row in await connection.execute(past):
        found[row[0]][1].add(_comparable(tuple(row[1:])))
    return found


_RECORDED_AT: Final = STATE_COLUMNS.index("recorded_at")


def _comparable(state: tuple[Any, ...]) -> tuple[Any, ...]:
    return state[:_RECORDED_AT] + state[_RECORDED_AT + 1 :]


def comparable_line(
    resident_row: tuple[Any, ...], version_rows: Sequence[tuple[Any, ...]]
) -> tuple[tuple[Any, ...], set[tuple[Any, ...]]]:
    """A prepared line in the form of `stored_records`."""
    first = RESIDENT_COLUMNS.index(STATE_COLUMNS[0])
    state = resident_row[first : first + len(STATE_COLUMNS)]
    past = {_comparable(row[1 : 2 + len(STATE_COLUMNS)]) for row in version_rows}
    return _comparable(state), past


async def restate(
    connection: AsyncConnection,
    resident_rows: Sequence[tuple[Any, ...]],
    version_rows: Sequence[tuple[Any, ...]],
    *,
    recorded_at: datetime,
) -> None:
    """Registered residents take the file's record as known from `recorded_at` on.

    As with any change of belief, nothing is lost: every state believed until now (the current
    one and the past ones) is kept, superseded at `recorded_at`; the file's states are recorded
    then. The resident's version goes up by one; its protection order is kept, and so is its
    individual number when the line has none.
    """
    codes = [row[0] for row in resident_rows]
    await connection.execute(
        update(resident_versions)
        .where(resident_versions.c.resident_code.in_(codes), resident_versions.c.superseded_at.is_(None))
        .values(superseded_at=recorded_at)
    )
    await connection.execute(
        insert(resident_versions).from_select(
            ["resident_code", *STATE_COLUMNS, "valid_to", "superseded_at"],
            select(
                residents.c.resident_code,
                *STATE_SELECTED,
                literal(None, Date()),
                literal(recorded_at, UtcDateTime()),
            ).where(residents.c.resident_code.in_(codes)),
        )
    )
    number = RESIDENT_COLUMNS.index("individual_number_hash")
    for row in resident_rows:
        values = dict(zip(RESIDENT_COLUMNS[1:], row[1:], strict=True))
        del values["protected"], values["version"]
        if row[number] is None:
            del values["individual_number_hash"], values["individual_number_ciphertext"]
        await connection.execute(
            update(residents)
            .where(residents.c.resident_code == row[0])
            .values(**values, version=residents.c.version + 1)
        )
    if version_rows:
        await connection.execute(
            insert(resident_versions), [dict(zip(VERSION_COLUMNS, row, strict=True)) for row in version_rows]
        )


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


async def record_in_feed(
    connection: AsyncConnection, codes: Sequence[str], *, recorded_by: str, event_type: str | None = None
) -> None:
    """Tell the change feed of a batch's residents, in the batch's transaction.

    Each imported resident gets one event: the kind that produced its current state, effective
    when that state began, with the state as its snapshot, as if it had been recorded through
    the API (`event_type` instead, for residents an import restated). The sequence range is
    taken from the head in one step, which keeps the head locked
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
    kind: ColumnElement[Any] = residents.c.event_type if event_type is None else literal(event_type)
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
