"""Reads of one statement, built with SQLAlchemy and compiled once, sent straight to the driver.

SQLAlchemy's own work around a statement sent through a connection (compiled-cache lookup,
parameter processing, the result's metadata and rows, the checkout from its pool) costs several
times what asyncpg takes to run it. A `CompiledRead` compiles its statement for PostgreSQL the
first time it runs, remembers the SQL text, the order of its parameters and each column's type
processor, and from then on sends the text to asyncpg (`Database.driver_fetch`, which prepares
it once per connection) outside any transaction. On SQLite the statement goes through SQLAlchemy
on an autocommit connection as before: the same rows, the same types.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.db.engine import Database
from shared.db.errors import ConnectionLostError


class ReadRow(tuple[Any, ...]):
    """A row read by a `CompiledRead`: its columns as attributes and by position, and `_mapping`,
    as a SQLAlchemy Row offers them."""

    __slots__ = ()
    _fields: tuple[str, ...]

    @property
    def _mapping(self) -> Mapping[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class _Compiled:
    """The statement as PostgreSQL gets it: SQL text, parameter names in `$n` order, the values of
    the statement's own constants (a LIMIT 1, a literal), and a function turning asyncpg's records
    into rows."""

    __slots__ = ("bind_processors", "constants", "parameter_names", "row_of", "sql")

    def __init__(self, statement: Select[Any], dialect: Dialect, *, values_as_sent: bool) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params:
            # An expanding IN (...) is rendered per call: its text is not one statement's.
            raise ValueError("a CompiledRead takes no expanding or literal parameters")
        self.sql = compiled.string
        self.parameter_names: tuple[str, ...] = tuple(compiled.positiontup or ())
        # A named parameter (`bindparam("id")`) is required and has no value; a constant has one.
        self.constants: dict[str, Any] = {
            name: compiled.binds[name].value
            for name in self.parameter_names
            if not compiled.binds[name].required
        }
        self.bind_processors: dict[str, Callable[[Any], Any]] = (
            {}
            if values_as_sent
            else {
                name: processor
                for name, processor in (
                    (name, compiled.binds[name].type._cached_bind_processor(dialect))
                    for name in set(self.parameter_names)
                )
                if processor is not None
            }
        )
        columns = compiled._result_columns
        keys = tuple(column[0] for column in columns)
        processors: list[Callable[[Any], Any] | None] = [
            column[3]._cached_result_processor(dialect, None) for column in columns
        ]
        row_type = type("ReadRow", (namedtuple("_Row", keys), ReadRow), {"__slots__": ()})
        self.row_of = _row_maker(row_type, processors)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        processors = self.bind_processors
        constants = self.constants
        values = []
        for name in self.parameter_names:
            value = parameters[name] if name in parameters or name not in constants else constants[name]
            processor = processors.get(name)
            values.append(value if processor is None else processor(value))
        return values


def _row_maker(
    row_type: type[ReadRow], processors: Sequence[Callable[[Any], Any] | None]
) -> Callable[[Any], ReadRow]:
    if not any(processors):
        return lambda record: row_type._make(record)  # type: ignore[attr-defined]
    # Only the columns that have a processor are visited: a listing's rows have a dozen columns
    # and two timestamps, and a generator over every column cost a tenth of the request.
    steps = tuple((index, step) for index, step in enumerate(processors) if step is not None)

    def row_of(record: Any) -> ReadRow:
        values = list(record)
        for index, step in steps:
            value = values[index]
            if value is not None:
                values[index] = step(value)
        return row_type._make(values)  # type: ignore[attr-defined, no-any-return]

    return row_of


Reader = Database | AsyncConnection | AsyncSession
"""Where a read runs: alone (a `Database`; an autocommit connection), or in a transaction."""


class CompiledRead:
    """One SELECT with named bound parameters (`bindparam("id")`). Build it once, at import,
    beside the repository's other statements.

    Sent straight to asyncpg where the read runs alone on PostgreSQL: given the `Database`, or a
    connection or session in autocommit. In a transaction and on SQLite it goes through
    SQLAlchemy, in that transaction, as any statement.
    """

    def __init__(self, statement: Select[Any], *, values_as_sent: bool = False) -> None:
        """`values_as_sent`: the caller gives every value as the driver takes it (JSON as text, say),
        and no column type's bind processing is applied (it would encode JSON text once more)."""
        self.statement = statement
        self.values_as_sent = values_as_sent
        self._compiled: _Compiled | None = None

    def sql_and_arguments(self, dialect: Dialect, **parameters: Any) -> tuple[str, list[Any]]:
        """PostgreSQL: the statement's text and its arguments in `$n` order, for a caller that sends
        it itself (`Database.driver_write`, to handle the driver's own errors)."""
        compiled = self._compiled_for(dialect)
        return compiled.sql, compiled.arguments(parameters)

    async def all(self, reader: Reader, **parameters: Any) -> list[Any]:
        """Every row, each with its columns as attributes and `_mapping`."""
        if isinstance(reader, Database):
            if reader.is_sqlite:
                async with reader.engine.connect() as connection:
                    autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                    return list(await autocommit.execute(self.statement, parameters))
            compiled = self._compiled_for(reader.engine.dialect)
            records = await reader.driver_fetch(compiled.sql, *compiled.arguments(parameters))
            return [compiled.row_of(record) for record in records]
        connection = await reader.connection() if isinstance(reader, AsyncSession) else reader
        if _in_autocommit_on_postgresql(connection):
            compiled = self._compiled_for(connection.dialect)
            records = await _driver_fetch_on(connection, compiled.sql, compiled.arguments(parameters))
            return [compiled.row_of(record) for record in records]
        return list(await reader.execute(self.statement, parameters))

    async def one_or_none(self, reader: Reader, **parameters: Any) -> Any | None:
        """The one row, or None; more than one is the statement's fault, as in SQLAlchemy."""
        rows = await self.all(reader, **parameters)
        if len(rows) > 1:
            raise LookupError(f"{len(rows)} rows where at most one was expected")
        return rows[0] if rows else None

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _Compiled(self.statement, dialect, values_as_sent=self.values_as_sent)
        return compiled


def _in_autocommit_on_postgresql(connection: AsyncConnection) -> bool:
    sync = connection.sync_connection
    return (
        connection.dialect.name == "postgresql"
        and sync is not None
        and sync.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    )


async def _driver_fetch_on(connection: AsyncConnection, sql: str, arguments: list[Any]) -> list[Any]:
    """The records of `sql` sent on the connection's own asyncpg connection; a connection found
    closed is invalidated and the failure raised as ConnectionLostError (a read may run again)."""
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    try:
        records: list[Any] = await driver.fetch(sql, *arguments)
    except Exception as error:
        if driver.is_closed():
            await connection.invalidate(error)
            raise ConnectionLostError("the database connection was closed") from error
        raise
    return records
