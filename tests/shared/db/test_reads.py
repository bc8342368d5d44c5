"""CompiledRead: the same rows, types and attributes whether a read goes to asyncpg or through
SQLAlchemy, alone or in a transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, Date, Integer, String, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql

from shared.db.base import new_metadata
from shared.db.engine import Database, create_engine
from shared.db.reads import CompiledRead
from shared.db.types import UtcDateTime
from tests.support.databases import fresh_database

metadata = new_metadata()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(40), nullable=False),
    Column("day", Date, nullable=True),
    Column("at", UtcDateTime(), nullable=True),
    Column("extra", JSON, nullable=True),
)
JST = timezone(timedelta(hours=9))
BY_ID = CompiledRead(select(things).where(things.c.id == bindparam("id")))
BY_NAME = CompiledRead(
    select(things.c.id, things.c.at).where(things.c.name == bindparam("name")).order_by(things.c.id)
)


@pytest.fixture
async def database(sqlite_dir: Path) -> AsyncIterator[Database]:
    url = await fresh_database("reads", sqlite_dir)
    database = Database(create_engine(url))
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            insert(things),
            [
                {
                    "id": 1,
                    "name": "一",
                    "day": date(2026, 1, 2),
                    "at": datetime(2026, 1, 2, 9, tzinfo=JST),
                    "extra": {"a": [1]},
                },
                {"id": 2, "name": "二", "day": None, "at": None, "extra": None},
                {"id": 3, "name": "二", "day": None, "at": datetime(2026, 1, 3, tzinfo=UTC), "extra": None},
            ],
        )
    yield database
    await database.dispose()


async def test_a_row_alone_has_its_columns_typed_as_sqlalchemy_gives_them(database: Database) -> None:
    row = await BY_ID.one_or_none(database, id=1)
    assert row is not None
    assert (row.id, row.name, row.day, row.extra) == (1, "一", date(2026, 1, 2), {"a": [1]})
    assert row.at == datetime(2026, 1, 2, 0, tzinfo=UTC)
    assert row.at.utcoffset() == timedelta(0)
    assert dict(row._mapping) == {
        "id": 1,
        "name": "一",
        "day": date(2026, 1, 2),
        "at": row.at,
        "extra": {"a": [1]},
    }
    assert await BY_ID.one_or_none(database, id=99) is None


async def test_every_row_in_order_and_nulls_stay_null(database: Database) -> None:
    rows = await BY_NAME.all(database, name="二")
    assert [(row.id, row.at) for row in rows] == [(2, None), (3, datetime(2026, 1, 3, tzinfo=UTC))]
    with pytest.raises(LookupError):
        await BY_NAME.one_or_none(database, name="二")


async def test_the_same_rows_on_an_autocommit_connection_and_in_a_transaction(database: Database) -> None:
    alone = await BY_ID.one_or_none(database, id=1)
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        on_connection = await BY_ID.one_or_none(autocommit, id=1)
    async with database.autocommit_session() as session:
        in_autocommit_session = await BY_ID.one_or_none(session, id=1)
    async with database.sessionmaker() as session, session.begin():
        await session.execute(insert(things).values(id=4, name="四"))
        in_transaction = await BY_ID.one_or_none(session, id=4)
        assert in_transaction is not None
        assert in_transaction.name == "四"
        assert tuple(await BY_ID.one_or_none(session, id=1)) == tuple(alone)  # type: ignore[arg-type]
    assert tuple(on_connection) == tuple(alone)  # type: ignore[arg-type]
    assert tuple(in_autocommit_session) == tuple(alone)  # type: ignore[arg-type]


def test_an_expanding_parameter_is_refused_when_first_compiled() -> None:
    read = CompiledRead(select(things).where(things.c.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="expanding"):
        read._compiled_for(postgresql.asyncpg.dialect())  # type: ignore[no-untyped-call]


FIRST_OF_NAME = CompiledRead(
    select(things.c.id).where(things.c.name == bindparam("name")).order_by(things.c.id.desc()).limit(1)
)


async def test_a_statements_own_constants_are_sent_with_it(database: Database) -> None:
    """A LIMIT 1 or a literal is a parameter of the compiled text too: it goes with its own value."""
    row = await FIRST_OF_NAME.one_or_none(database, name="二")
    assert row is not None
    assert row.id == 3
    sql, arguments = FIRST_OF_NAME.sql_and_arguments(postgresql.asyncpg.dialect(), name="二")  # type: ignore[no-untyped-call]
    assert sql.count("$") == 2
    assert arguments == ["二", 1]


def test_values_as_sent_skip_the_column_types_processing() -> None:
    """JSON text given as the driver takes it is not encoded a second time; a missing named
    parameter is still an error."""
    statement = select(things.c.id).where(things.c.extra == bindparam("extra", type_=JSON))
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    _, processed = CompiledRead(statement).sql_and_arguments(dialect, extra={"a": 1})
    _, as_sent = CompiledRead(statement, values_as_sent=True).sql_and_arguments(dialect, extra='{"a": 1}')
    assert processed == ['{"a": 1}']
    assert as_sent == ['{"a": 1}']
    with pytest.raises(KeyError):
        CompiledRead(statement).sql_and_arguments(dialect)
