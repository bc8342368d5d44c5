"""All SQL of applications and their audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, Text, cast, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.tables import application_transitions, applications
from shared.web.etag import update_versioned
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_application(session: AsyncSession, values: dict[str, Any]) -> int:
    new_id = await session.scalar(insert(applications).values(**values).returning(applications.c.id))
    return int(new_id)


async def get_application(session: AsyncSession, application_id: int) -> Row[Any] | None:
    statement = select(applications).where(applications.c.id == application_id)
    return (await session.execute(statement)).one_or_none()


# The listing's columns, its JSON documents as their stored text (see service.list_applications).
LISTED = (
    applications.c.id,
    applications.c.programme_code,
    applications.c.fiscal_year,
    applications.c.municipality_code,
    cast(applications.c.applicant, Text).label("applicant"),
    applications.c.title,
    applications.c.description,
    applications.c.requested_amount,
    applications.c.approved_amount,
    applications.c.disbursed_amount,
    cast(applications.c.details, Text).label("details"),
    applications.c.state,
    cast(applications.c.eligibility, Text).label("eligibility"),
    applications.c.version,
    applications.c.created_at,
    applications.c.updated_at,
)


async def page_application_documents(
    session: AsyncSession,
    page: PageRequest,
    *,
    client_id: str | None,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
    state: str | None,
) -> tuple[list[Row[Any]], str | None]:
    statement = select(*LISTED)
    filters = {
        "client_id": client_id,
        "programme_code": programme_code,
        "fiscal_year": fiscal_year,
        "municipality_code": municipality_code,
        "state": state,
    }
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(applications.c[name] == value)
    return await keyset_page(
        session,
        statement,
        sort_columns=[applications.c.id],
        page=page,
        fingerprint=query_fingerprint("list_applications", **filters),
        position_of=lambda row: [row.id],
    )


async def update_application(
    session: AsyncSession, application_id: int, *, expected_version: int, values: dict[str, Any]
) -> int:
    """Versioned update: a concurrent change (another clerk, another transition) loses with 412."""
    return await update_versioned(
        session,
        applications,
        applications.c.id == application_id,
        expected_version=expected_version,
        values=values,
    )


async def insert_transition(
    session: AsyncSession,
    *,
    application_id: int,
    action: str,
    from_state: str | None,
    to_state: str,
    actor: str,
    at: datetime,
    reason: str | None,
    changes: dict[str, Any],
) -> None:
    await session.execute(
        insert(application_transitions).values(
            application_id=application_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            at=at,
            reason=reason,
            changes=changes,
        )
    )


async def page_transitions(
    session: AsyncSession, application_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(application_transitions).where(application_transitions.c.application_id == application_id),
        sort_columns=[application_transitions.c.id],
        page=page,
        fingerprint=query_fingerprint("list_application_transitions", application_id=application_id),
        position_of=lambda row: [row.id],
    )
