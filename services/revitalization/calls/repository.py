"""All SQL of calls, their applications, the award total and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, Text, bindparam, cast, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.revitalization.calls.filters import CallFilters
from services.revitalization.tables import call_applications, call_audit, calls
from shared.contracts.revitalization_calls import CallStatus
from shared.db.reads import CompiledRead, Reader
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

_NOW = bindparam("now", type_=calls.c.closes_at.type)
_EQUAL_FACETS = ("programme_code", "prefecture", "fiscal_year")
_DEADLINE_ORDER = [calls.c.closes_at, calls.c.id]

# What a search lists: the call, with its rubric as the stored JSON text (decoded in service.listed_call).
SEARCHED = (
    *(column for column in calls.c if column.name != "rubric"),
    cast(calls.c.rubric, Text).label("rubric"),
)

FilterShape = tuple[CallStatus | None, tuple[str, ...], bool, bool]
"""Which facets a search uses (status, equal facets, closing from, closing to), not their values."""


def _status_condition(status: CallStatus | None) -> ColumnElement[bool]:
    """The SQL form of `rules.status_at` at the instant `:now`; no status means every call not archived."""
    live = calls.c.archived_at.is_(None)
    if status is CallStatus.ARCHIVED:
        return calls.c.archived_at.is_not(None)
    if status is CallStatus.FORECAST:
        # closes_at > opens_at (a CHECK): the redundant bound lets the deadline index skip every closed call.
        return live & (calls.c.opens_at > _NOW) & (calls.c.closes_at > _NOW)
    if status is CallStatus.OPEN:
        return live & (calls.c.opens_at <= _NOW) & (calls.c.closes_at >= _NOW)
    if status is CallStatus.CLOSED:
        return live & (calls.c.closes_at < _NOW)
    return live


def _shape(filters: CallFilters) -> FilterShape:
    facets = tuple(name for name in _EQUAL_FACETS if getattr(filters, name) is not None)
    return filters.status, facets, filters.closes_from is not None, filters.closes_to is not None


def _parameters(filters: CallFilters, now: datetime) -> dict[str, Any]:
    """The values of the filters' bound parameters (`_filtered`), the instant of the status among them."""
    parameters: dict[str, Any] = {"now": now}
    for name in (*_EQUAL_FACETS, "closes_from", "closes_to"):
        value = getattr(filters, name)
        if value is not None:
            parameters[name] = value
    return parameters


def _filtered(shape: FilterShape, columns: Sequence[Any] = (calls,)) -> Select[Any]:
    """The calls a search of this shape finds, every value a bound parameter (`_parameters`)."""
    status, facets, closes_from, closes_to = shape
    statement = select(*columns).where(_status_condition(status))
    for name in facets:
        statement = statement.where(calls.c[name] == bindparam(name, type_=calls.c[name].type))
    if closes_from:
        statement = statement.where(
            calls.c.closes_at >= bindparam("closes_from", type_=calls.c.closes_at.type)
        )
    if closes_to:
        statement = statement.where(calls.c.closes_at <= bindparam("closes_to", type_=calls.c.closes_at.type))
    return statement


@cache
def _search_read(shape: FilterShape, *, after: bool) -> CompiledRead:
    """A page of one search shape in deadline order, built and compiled once: building the statement and
    its cache key on each request cost more CPU than the read. Straight to the driver on PostgreSQL."""
    statement = _filtered(shape, SEARCHED)
    if after:
        position = tuple_(
            bindparam("after_closes_at", type_=calls.c.closes_at.type),
            bindparam("after_id", type_=calls.c.id.type),
        )
        statement = statement.where(tuple_(*_DEADLINE_ORDER) > position)
    return CompiledRead(statement.order_by(*_DEADLINE_ORDER).limit(bindparam("limit")))


async def insert_call(session: AsyncSession, values: dict[str, Any]) -> int:
    return int(await session.scalar(insert(calls).values(**values).returning(calls.c.id)))


async def get_call(session: AsyncSession, call_id: int) -> Row[Any] | None:
    return (await session.execute(select(calls).where(calls.c.id == call_id))).one_or_none()


async def page_calls(
    reader: Reader, page: PageRequest, filters: CallFilters, *, now: datetime, name: str
) -> tuple[list[Any], str | None]:
    """Calls in deadline order (closes_at, id), each with the columns of `SEARCHED` as attributes (as
    `keyset_page` pages, with the statement compiled once per search shape)."""
    fingerprint = filters.fingerprint(name)
    parameters = {**_parameters(filters, now), "limit": page.page_size + 1}
    if page.page_token:
        parameters["after_closes_at"], parameters["after_id"] = page.codec.decode(
            page.page_token, fingerprint, _DEADLINE_ORDER
        )
    rows = await _search_read(_shape(filters), after=bool(page.page_token)).all(reader, **parameters)
    if len(rows) <= page.page_size:
        return rows, None
    rows = rows[: page.page_size]
    last = rows[-1]
    return rows, page.codec.encode(fingerprint, [last.closes_at.isoformat(), last.id])


async def upcoming_deadlines(
    session: AsyncSession, filters: CallFilters, *, now: datetime, limit: int
) -> list[Row[Any]]:
    statement = _filtered(_shape(filters))
    if filters.status is None:
        statement = statement.where(calls.c.closes_at >= _NOW)
    statement = statement.order_by(*_DEADLINE_ORDER).limit(limit)
    return list((await session.execute(statement, _parameters(filters, now))).all())


async def update_call(
    session: AsyncSession, call_id: int, *, expected_version: int, values: dict[str, Any]
) -> int:
    return await update_versioned(
        session, calls, calls.c.id == call_id, expected_version=expected_version, values=values
    )


async def add_award(session: AsyncSession, call_id: int, amount: int) -> bool:
    """Counts `amount` against the call's ceiling in one conditional UPDATE; False when it has no room."""
    result = await session.execute(
        update(calls)
        .where(calls.c.id == call_id, calls.c.awarded_total + amount <= calls.c.budget_ceiling)
        .values(awarded_total=calls.c.awarded_total + amount)
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_application(session: AsyncSession, values: dict[str, Any]) -> int:
    statement = insert(call_applications).values(**values).returning(call_applications.c.id)
    return int(await session.scalar(statement))


async def get_application(session: AsyncSession, application_id: int) -> Row[Any] | None:
    statement = select(call_applications).where(call_applications.c.id == application_id)
    return (await session.execute(statement)).one_or_none()


async def page_applications(
    session: AsyncSession, page: PageRequest, *, call_id: int, client_id: str | None
) -> tuple[list[Row[Any]], str | None]:
    statement = select(call_applications).where(call_applications.c.call_id == call_id)
    if client_id is not None:
        statement = statement.where(call_applications.c.client_id == client_id)
    return await keyset_page(
        session,
        statement,
        sort_columns=[call_applications.c.id],
        page=page,
        fingerprint=query_fingerprint("list_call_applications", call_id=call_id, client_id=client_id),
        position_of=lambda row: [row.id],
    )


async def update_application(
    session: AsyncSession, application_id: int, *, expected_version: int, values: dict[str, Any]
) -> int:
    return await update_versioned(
        session,
        call_applications,
        call_applications.c.id == application_id,
        expected_version=expected_version,
        values=values,
    )


async def insert_audit(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(call_audit).values(**values))


async def page_audit(
    session: AsyncSession, page: PageRequest, *, call_id: int
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(call_audit).where(call_audit.c.call_id == call_id),
        sort_columns=[call_audit.c.id],
        page=page,
        fingerprint=query_fingerprint("list_call_audit", call_id=call_id),
        position_of=lambda row: [row.id],
    )
