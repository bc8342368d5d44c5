"""All SQL of cooperation frameworks and their memberships."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import cooperation_frameworks, framework_members
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_framework(session: AsyncSession, **values: Any) -> int:
    statement = (
        insert(cooperation_frameworks).values(version=1, **values).returning(cooperation_frameworks.c.id)
    )
    return int(await session.scalar(statement))


async def insert_member(session: AsyncSession, **values: Any) -> int:
    statement = insert(framework_members).values(**values).returning(framework_members.c.id)
    return int(await session.scalar(statement))


async def get_framework(session: AsyncSession, framework_id: int) -> Row[Any] | None:
    statement = select(cooperation_frameworks).where(cooperation_frameworks.c.id == framework_id)
    return (await session.execute(statement)).one_or_none()


async def members_of(session: AsyncSession, framework_ids: Sequence[int]) -> list[Row[Any]]:
    """Every membership of these frameworks, in the order they were recorded."""
    if not framework_ids:
        return []
    statement = (
        select(framework_members)
        .where(framework_members.c.framework_id.in_(list(framework_ids)))
        .order_by(framework_members.c.framework_id, framework_members.c.id)
    )
    return list((await session.execute(statement)).all())


async def bump_version(session: AsyncSession, framework_id: int, expected_version: int) -> bool:
    """Claim the framework for a change: only one writer at its version gets it."""
    result = await session.execute(
        update(cooperation_frameworks)
        .where(
            cooperation_frameworks.c.id == framework_id, cooperation_frameworks.c.version == expected_version
        )
        .values(version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def increment_version(session: AsyncSession, framework_id: int) -> None:
    """A change not made against an ETag (following the code master) still changes the ETag."""
    await session.execute(
        update(cooperation_frameworks)
        .where(cooperation_frameworks.c.id == framework_id)
        .values(version=cooperation_frameworks.c.version + 1)
    )


async def close_member(session: AsyncSession, member_id: int, *, left_on: date, reason: str) -> bool:
    result = await session.execute(
        update(framework_members)
        .where(
            framework_members.c.id == member_id,
            framework_members.c.left_on.is_(None),
            framework_members.c.joined_on < left_on,
        )
        .values(left_on=left_on, leave_reason=reason)
    )
    return getattr(result, "rowcount", 0) == 1


async def page_frameworks(
    session: AsyncSession,
    page: PageRequest,
    *,
    as_of: date,
    prefecture: str | None,
    kind: str | None,
) -> tuple[list[Row[Any]], str | None]:
    """Frameworks established by `as_of` with a member in force that day (in the prefecture, if given)."""
    in_force = (
        (framework_members.c.framework_id == cooperation_frameworks.c.id)
        & (framework_members.c.joined_on <= as_of)
        & or_(framework_members.c.left_on.is_(None), framework_members.c.left_on > as_of)
    )
    if prefecture is not None:
        in_force = in_force & (framework_members.c.prefecture == prefecture)
    statement = select(cooperation_frameworks).where(
        cooperation_frameworks.c.established_on <= as_of,
        exists(select(framework_members.c.id).where(in_force)),
    )
    if kind is not None:
        statement = statement.where(cooperation_frameworks.c.kind == kind)
    return await keyset_page(
        session,
        statement,
        sort_columns=[cooperation_frameworks.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_frameworks", as_of=as_of.isoformat(), prefecture=prefecture, kind=kind
        ),
        position_of=lambda row: [row.id],
    )
