"""All SQL of organizations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.tables import organizations, politicians
from shared.contracts.funds import OrganizationKind
from shared.db.engine import Database
from shared.db.reads import CompiledRead
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint

# An organization with its politician's office (None when it has none), which decides whether a
# fund-management organization is Diet-member-related.
_WITH_OFFICE = select(organizations, politicians.c.office.label("politician_office")).select_from(
    organizations.outerjoin(politicians, politicians.c.id == organizations.c.politician_id)
)


async def get(session: AsyncSession, organization_id: int) -> Row[Any] | None:
    return (await session.execute(_WITH_OFFICE.where(organizations.c.id == organization_id))).one_or_none()


_BY_ID = CompiledRead(_WITH_OFFICE.where(organizations.c.id == bindparam("organization_id")))


async def get_alone(database: Database, organization_id: int) -> Row[Any] | None:
    """The one statement of a read that needs nothing else: committing by itself, with no BEGIN
    and COMMIT round trips around it."""
    row: Row[Any] | None = await _BY_ID.one_or_none(database, organization_id=organization_id)
    return row


async def get_by_filer(session: AsyncSession, client_id: str) -> Row[Any] | None:
    return (
        await session.execute(_WITH_OFFICE.where(organizations.c.filer_client_id == client_id))
    ).one_or_none()


async def filer_taken(session: AsyncSession, client_id: str, *, except_id: int | None = None) -> bool:
    statement = select(organizations.c.id).where(organizations.c.filer_client_id == client_id)
    if except_id is not None:
        statement = statement.where(organizations.c.id != except_id)
    return (await session.execute(statement.limit(1))).first() is not None


async def politician_office(session: AsyncSession, politician_id: int) -> str | None:
    """The politician's office; None when there is no such politician."""
    statement = select(politicians.c.office).where(politicians.c.id == politician_id)
    office: str | None = (await session.execute(statement)).scalar_one_or_none()
    return office


async def create(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(insert(organizations).values(**values).returning(organizations.c.id))
    return int(result.scalar_one())


async def page(
    session: AsyncSession,
    page: PageRequest,
    *,
    kind: OrganizationKind | None,
    party_id: int | None,
    politician_id: int | None,
) -> tuple[list[Row[Any]], str | None]:
    """One page of organizations in id order, of one kind, party or politician if asked."""
    statement = _WITH_OFFICE
    if kind is not None:
        statement = statement.where(organizations.c.kind == kind.value)
    if party_id is not None:
        statement = statement.where(organizations.c.party_id == party_id)
    if politician_id is not None:
        statement = statement.where(organizations.c.politician_id == politician_id)
    return await keyset_page(
        session,
        statement,
        sort_columns=[organizations.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_organizations", kind=kind, party_id=party_id, politician_id=politician_id
        ),
        position_of=lambda row: [row.id],
    )
