"""Public disclosure: what each caller may see of the lines, and the export stream."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Row, Select
from sqlalchemy.sql.elements import ColumnElement

from services.funds.disclosure import repository
from services.funds.tables import report_lines
from shared.auth.tokens import Principal
from shared.contracts.funds import DisclosedLine
from shared.db.engine import Database

EXPORT_CHUNK = 2_000


class LineSort(StrEnum):
    date = "date"
    date_desc = "-date"
    amount = "amount"
    amount_desc = "-amount"


def sort_columns(sort: LineSort) -> tuple[list[ColumnElement[Any]], bool]:
    c = report_lines.c
    first = c.sort_date if sort in (LineSort.date, LineSort.date_desc) else c.amount
    return [first, c.id], sort in (LineSort.date_desc, LineSort.amount_desc)


def position_of(sort: LineSort, row: Row[Any]) -> list[Any]:
    if sort in (LineSort.date, LineSort.date_desc):
        return [row.sort_date.isoformat(), row.id]
    return [row.amount, row.id]


def decode_position(sort: LineSort, position: Sequence[Any]) -> list[Any]:
    if sort in (LineSort.date, LineSort.date_desc) and position and isinstance(position[0], str):
        return [date.fromisoformat(position[0]), *position[1:]]
    return list(position)


def sees_everything(principal: Principal | None) -> bool:
    return principal is not None and principal.has("funds:review")


def line_model(row: Row[Any], *, full: bool) -> DisclosedLine:
    return DisclosedLine(
        id=row.id,
        organization_id=row.organization_id,
        organization_name=row.organization_name,
        year=row.year,
        version=row.version,
        line_no=row.line_no,
        category=row.category,
        direction=row.direction,
        amount=row.amount,
        transaction_date=row.transaction_date,
        name=row.name,
        donor_kind=row.donor_kind,
        occupation=row.occupation,
        published_address=row.published_address,
        prefecture_code=row.prefecture_code,
        event_name=row.event_name,
        address=row.address if full else None,
        published=row.published,
    )


CSV_COLUMNS = list(DisclosedLine.model_fields)


def _csv_bytes(models: Sequence[DisclosedLine], *, header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for model in models:
        data = model.model_dump(mode="json")
        writer.writerow(["" if data[column] is None else data[column] for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


async def export_lines(
    database: Database, statement: Select[Any], *, full: bool, fmt: str
) -> AsyncIterator[bytes]:
    """Stream every matching line in id order, one keyset chunk (and one short transaction) at a time."""
    columns = [report_lines.c.id]
    after: list[Any] | None = None
    first = True
    if fmt == "csv":
        yield "\ufeff".encode()  # so spreadsheet software reads the Japanese text as UTF-8
    while True:
        async with database.sessionmaker() as session:
            rows = await repository.chunk(session, statement, columns, after, EXPORT_CHUNK, descending=False)
        models = [line_model(row, full=full) for row in rows]
        if fmt == "csv":
            yield _csv_bytes(models, header=first)
        else:
            yield b"".join(orjson.dumps(model.model_dump(mode="json")) + b"\n" for model in models)
        first = False
        if len(rows) < EXPORT_CHUNK:
            return
        after = [rows[-1].id]
