"""All SQL of residents: the current record, its past states, the four-item candidates."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    LargeBinary,
    Row,
    Select,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
    union,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.registry.tables import (
    STATE_COLUMNS,
    VERIFICATION_INCLUDES,
    resident_code_changes,
    resident_events,
    resident_versions,
    residents,
    subscription_members,
)
from shared.db.engine import Database

versions = resident_versions


def state_of(record: Mapping[Any, Any]) -> dict[str, Any]:
    return {name: record[name] for name in STATE_COLUMNS}


async def get(session: AsyncSession, resident_code: str) -> Row[Any] | None:
    statement = select(residents).where(residents.c.resident_code == resident_code)
    return (await session.execute(statement)).one_or_none()


PAST_COLUMNS = (
    "valid_from", "valid_to", "local_government_code", "address", "status",
    "event_type", "address_reason", "from_abroad",
)  # fmt: skip
"""What a residence history needs of each past state."""

# One round trip, no transaction, for every lookup of the same event-loop turn: each current
# record of the codes in $1, and with $2 its believed past states (one row each, the record
# repeated); a record without past states still comes back once.
_CURRENT_WITH_PAST_POSTGRES = f"""
    SELECT r.*, {", ".join(f"v.{name} AS past_{name}" for name in PAST_COLUMNS)}
    FROM residents r
    LEFT JOIN resident_versions v
        ON $2 AND v.resident_code = r.resident_code AND v.superseded_at IS NULL
    WHERE r.resident_code = ANY($1::text[])
"""  # noqa: S608 - the column names are constants


async def current_with_past(
    database: Database, resident_code: str, *, with_past: bool
) -> tuple[Mapping[Any, Any], list[Mapping[Any, Any]]] | None:
    """A resident's current record and (if asked) its believed past states, or None."""
    if not database.is_sqlite:
        records = await database.fetch_together(
            _CURRENT_WITH_PAST_POSTGRES, "resident_code", resident_code, with_past
        )
        if not records:
            return None
        past: list[Mapping[Any, Any]] = [
            {name: record[f"past_{name}"] for name in PAST_COLUMNS}
            for record in records
            if record["past_valid_from"] is not None
        ]
        return records[0], past
    async with database.engine.connect() as connection:
        row = (
            await connection.execute(select(residents).where(residents.c.resident_code == resident_code))
        ).one_or_none()
        if row is None:
            return None
        if not with_past:
            return row._mapping, []
        statement = select(versions).where(
            versions.c.resident_code == resident_code, versions.c.superseded_at.is_(None)
        )
        return row._mapping, [version._mapping for version in (await connection.execute(statement)).all()]


async def get_by_number_hash(session: AsyncSession, number_hash: bytes) -> Row[Any] | None:
    statement = select(residents).where(residents.c.individual_number_hash == number_hash)
    return (await session.execute(statement)).one_or_none()


def _any_of(session: AsyncSession, column: Any, values: Collection[Any], item_type: Any) -> Any:
    """`column = ANY(:array)` on PostgreSQL (one parameter, one cached plan), IN elsewhere."""
    listed = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=postgresql.ARRAY(item_type)))
    return column.in_(listed)


VERIFICATION_COLUMNS = (residents.c.resident_code, *(residents.c[name] for name in VERIFICATION_INCLUDES))


_VERIFICATION_ROWS_POSTGRES = f"""
    SELECT {", ".join(column.name for column in VERIFICATION_COLUMNS)}
    FROM residents WHERE resident_code = ANY(string_to_array($1, ','))
"""  # noqa: S608 - the column names are constants
# The codes travel comma-joined (they are digits): asyncpg encodes a text[] element by element,
# which cost more than the lookup of a thousand codes.


async def verification_rows(database: Database, codes: Collection[str]) -> list[Mapping[Any, Any]]:
    """Just what a verification answer needs, for many resident codes in one statement."""
    if not codes:
        return []
    if not database.is_sqlite:
        # A thousand rows through SQLAlchemy's result machinery cost more than the query.
        return await database.driver_fetch(_VERIFICATION_ROWS_POSTGRES, ",".join(codes))
    statement: Select[Any] = select(*VERIFICATION_COLUMNS).where(residents.c.resident_code.in_(list(codes)))
    async with database.engine.connect() as connection:
        return [row._mapping for row in (await connection.execute(statement)).all()]


async def get_many_by_number_hash(session: AsyncSession, hashes: Collection[bytes]) -> list[Row[Any]]:
    if not hashes:
        return []
    statement = select(residents).where(
        _any_of(session, residents.c.individual_number_hash, hashes, LargeBinary)
    )
    return list((await session.execute(statement)).all())


async def candidates(
    session: AsyncSession, *, name_keys: Collection[tuple[date, str]], kana_keys: Collection[tuple[date, str]]
) -> list[Row[Any]]:
    """Every record sharing a date of birth and a folded name (kanji or kana) with a query."""
    conditions = []
    if name_keys:
        conditions.append(tuple_(residents.c.date_of_birth, residents.c.name_key).in_(list(name_keys)))
    if kana_keys:
        conditions.append(tuple_(residents.c.date_of_birth, residents.c.kana_key).in_(list(kana_keys)))
    if not conditions:
        return []
    return list((await session.execute(select(residents).where(or_(*conditions)))).all())


async def believed_versions(session: AsyncSession, codes: Collection[str]) -> list[Row[Any]]:
    """The past states now believed (not superseded), per resident in valid_from order."""
    if not codes:
        return []
    statement = (
        select(versions)
        .where(versions.c.resident_code.in_(list(codes)), versions.c.superseded_at.is_(None))
        .order_by(versions.c.resident_code, versions.c.valid_from)
    )
    return list((await session.execute(statement)).all())


async def versions_known_at(session: AsyncSession, resident_code: str, known_at: datetime) -> list[Row[Any]]:
    """The past states believed at `known_at`, in valid_from order."""
    statement = (
        select(versions)
        .where(
            versions.c.resident_code == resident_code,
            versions.c.recorded_at <= known_at,
            or_(versions.c.superseded_at.is_(None), versions.c.superseded_at > known_at),
        )
        .order_by(versions.c.valid_from)
    )
    return list((await session.execute(statement)).all())


async def overlapping_versions(session: AsyncSession, resident_code: str, effective: date) -> list[Row[Any]]:
    """Believed past states that still hold on or after `effective` (what a correction rewrites)."""
    statement = select(versions).where(
        versions.c.resident_code == resident_code,
        versions.c.superseded_at.is_(None),
        versions.c.valid_to > effective,
    )
    return list((await session.execute(statement)).all())


async def registered_since(session: AsyncSession, resident_code: str, current_from: date) -> date:
    statement = select(versions.c.valid_from).where(
        versions.c.resident_code == resident_code, versions.c.superseded_at.is_(None)
    )
    earliest = (
        await session.execute(statement.order_by(versions.c.valid_from).limit(1))
    ).scalar_one_or_none()
    return min(earliest, current_from) if earliest is not None else current_from


async def insert_resident(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a new record; False if its resident code or individual number is taken."""
    try:
        async with session.begin_nested():
            await session.execute(insert(residents).values(**values))
    except IntegrityError:
        return False
    return True


async def four_item_count(
    session: AsyncSession, *, name_key: str, date_of_birth: date, sex: str, address_key: str
) -> int:
    """Residents with the same folded name, date of birth, sex and folded address."""
    statement = select(func.count()).where(
        residents.c.date_of_birth == date_of_birth,
        residents.c.name_key == name_key,
        residents.c.sex == sex,
        residents.c.address_key == address_key,
    )
    return int((await session.execute(statement)).scalar_one())


async def number_hash_taken(session: AsyncSession, number_hash: bytes) -> bool:
    statement = select(exists().where(residents.c.individual_number_hash == number_hash))
    return bool((await session.execute(statement)).scalar())


async def update_current(
    session: AsyncSession, resident_code: str, *, expected_version: int, values: dict[str, Any]
) -> bool:
    """Replace the current state if the record is still at `expected_version`."""
    result = await session.execute(
        update(residents)
        .where(residents.c.resident_code == resident_code, residents.c.version == expected_version)
        .values(**values, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_versions(session: AsyncSession, resident_code: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(
            insert(versions).values([{**row, "resident_code": resident_code} for row in rows])
        )


async def supersede_versions(session: AsyncSession, version_ids: Sequence[int], at: datetime) -> None:
    if version_ids:
        await session.execute(
            update(versions).where(versions.c.version_id.in_(list(version_ids))).values(superseded_at=at)
        )


def extract_statement(
    *,
    local_government_code: str,
    statuses: Sequence[str],
    resided_since: date | None,
    include_protected: bool,
) -> Select[Any]:
    """A municipality's residents; with `resided_since`, also those registered there since then."""
    here: ColumnElement[bool] = residents.c.local_government_code == local_government_code
    where = here
    if resided_since is not None:
        moved_away = select(versions.c.resident_code).where(
            versions.c.local_government_code == local_government_code,
            versions.c.superseded_at.is_(None),
            versions.c.status == "active",
            versions.c.valid_to >= resided_since,
        )
        # A union of two index scans, not `here OR EXISTS (...)`: with the OR, PostgreSQL walks
        # the whole register in key order for every page.
        where = residents.c.resident_code.in_(
            union(select(residents.c.resident_code).where(here), moved_away)
        )
    statement = select(residents).where(where)
    if statuses:
        statement = statement.where(residents.c.status.in_(list(statuses)))
    if not include_protected:
        statement = statement.where(residents.c.protected.is_(False))
    return statement


async def household_head_exists(session: AsyncSession, resident_code: str, household_id: str | None) -> bool:
    statement = select(exists().where(residents.c.resident_code == resident_code))
    if household_id is not None:
        statement = select(
            exists().where(
                residents.c.resident_code == resident_code, residents.c.household_id == household_id
            )
        )
    return bool((await session.execute(statement)).scalar())


async def set_protection(
    session: AsyncSession, resident_code: str, *, expected_version: int, active: bool
) -> bool:
    result = await session.execute(
        update(residents)
        .where(residents.c.resident_code == resident_code, residents.c.version == expected_version)
        .values(protected=active, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def release_number(session: AsyncSession, resident_code: str, *, expected_version: int) -> bool:
    """First step of a code change: the old row lets go of its individual number (unique) so the
    row under the new code can take it; False if the record moved on meanwhile."""
    result = await session.execute(
        update(residents)
        .where(residents.c.resident_code == resident_code, residents.c.version == expected_version)
        .values(individual_number_hash=None)
    )
    return getattr(result, "rowcount", 0) == 1


async def move_record(
    session: AsyncSession, *, former: str, new: str, effective: date, recorded_at: datetime, recorded_by: str
) -> None:
    """Everything of the record under `former` now under `new` (already inserted), the household
    heads it names too, and the subscriptions watching the resident (which so receive the change's
    event, naming the former code or pseudonym); `former` is deleted and kept only in
    `resident_code_changes`."""
    for table in (resident_versions, resident_events, subscription_members):
        await session.execute(update(table).where(table.c.resident_code == former).values(resident_code=new))
    await session.execute(
        update(residents).where(residents.c.household_head_code == former).values(household_head_code=new)
    )
    await session.execute(
        update(resident_code_changes)
        .where(resident_code_changes.c.resident_code == former)
        .values(resident_code=new)
    )
    await session.execute(delete(residents).where(residents.c.resident_code == former))
    await session.execute(
        insert(resident_code_changes).values(
            former_resident_code=former,
            resident_code=new,
            effective_date=effective,
            recorded_at=recorded_at,
            recorded_by=recorded_by,
        )
    )


async def former_code_used(session: AsyncSession, code: str) -> bool:
    statement = select(exists().where(resident_code_changes.c.former_resident_code == code))
    return bool((await session.execute(statement)).scalar())
