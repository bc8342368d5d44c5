"""Many rows into one table in the session's transaction: COPY on PostgreSQL, executemany elsewhere.

A filing writes thousands of lines and findings; a multi-row INSERT through SQLAlchemy costs
several times a COPY of the same rows, in bind processing and statement traffic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    as_json = [isinstance(table.c[name].type, JSON) for name in columns]
    records = [
        tuple(
            orjson.dumps(row[name]).decode() if json else row[name]
            for name, json in zip(columns, as_json, strict=True)
        )
        for row in rows
    ]
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=columns)
