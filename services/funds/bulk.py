"""Many rows into one table in the session's transaction: COPY on PostgreSQL, executemany elsewhere.

A filing writes thousands of lines and findings; an executemany through SQLAlchemy costs far more
than a COPY of the same rows, in bind processing and statement traffic (see the bench report's
funds_filing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (each with the same keys, columns of `table`)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    records: list[tuple[Any, ...]] = list(map(itemgetter(*columns), rows))
    json_at = [index for index, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    if json_at:
        records = [_json_as_text(record, json_at) for record in records]
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


def _json_as_text(record: tuple[Any, ...], json_at: Sequence[int]) -> tuple[Any, ...]:
    """COPY takes a JSON column's value as its text."""
    values = list(record)
    for index in json_at:
        values[index] = orjson.dumps(values[index]).decode()
    return tuple(values)
