"""All SQL of calls, their applications, the award total and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.revitalization.calls.filters import CallFilters
from services.revitalization.tables import call_applications, call_audit, calls
from shared.contracts.revitalization_calls import CallStatus
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


def _status_condition(status: CallStatus | None, now: datetime) -> ColumnElement[bool]:
    """The SQL form of `rules.status_at`; no status means every call not archived."""
    live = calls.c.archived_at.is_(None)
    if status is CallStatus.ARCHIVED:
        return calls.c.archived_at.is_not(None)
    if status is CallStatus.FORECAST:
        # closes_at > opens_at (a CHECK): the redundant bound lets the deadline index skip every closed call.
        return live & (calls.c.opens_at > now) & (calls.c.closes_at > now)
    if status is CallStatus.OPEN:
        return live & (calls.c.opens_at <= now) & (calls.c.closes_at >= now)
    if status is CallStatus.CLOSED:
        return live & (calls.c.closes_at < now)
    return live


def _filtered(filters: CallFilters, now: datetime) -> Select[Any]:
    statement = select(calls).where(_status_condition(filters.status, now))
    for name in ("programme_code", "prefecture", "fiscal_year"):
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(calls.c[name] == value)
    if filters.closes_from is not None:
        statement = statement.where(calls.c.closes_at >= filters.closes_from)
    if filters.closes_to is not None:
        statement = statement.where(calls.c.closes_at <= filters.closes_to)
    return statement


async def insert_call(session: AsyncSession, values: dict[str, Any]) -> int:
    return int(await session.scalar(insert(calls).values(**values).returning(calls.c.id)))


async def get_call(session: AsyncSession, call_id: int) -> Row[Any] | None:
    return (await session.execute(select(calls).where(calls.c.id == call_id))).one_or_none()


async def page_calls(
    session: AsyncSession, page: PageRequest, filters: CallFilters, *, now: datetime, name: str
) -> tuple[list[Row[Any]], str | None]:
    """Calls in deadline order (closes_at, id)."""
    return await keyset_page(
        session,
        _filtered(filters, now),
        sort_columns=[calls.c.closes_at, calls.c.id],
        page=page,
        fingerprint=filters.fingerprint(name),
        position_of=lambda row: [row.closes_at.isoformat(), row.id],
    )


async def upcoming_deadlines(
    session: AsyncSession, filters: CallFilters, *, now: datetime, limit: int
) -> list[Row[Any]]:
    statement = _filtered(filters, now)
    if filters.status is None:
        statement = statement.where(calls.c.closes_at >= now)
    statement = statement.order_by(calls.c.closes_at, calls.c.id).limit(limit)
    return list((await session.execute(statement)).all())


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
