"""Registering organizations and keeping their details; who may file for which organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.organizations import repository
from services.funds.reports.publication import is_diet_member_related
from services.funds.tables import organizations
from shared.auth.tokens import Principal
from shared.contracts.funds import Organization, OrganizationIn, OrganizationKind
from shared.contracts.funds_feed import DIET_OFFICES
from shared.db.engine import Database
from shared.values import utc_now
from shared.web.etag import update_versioned
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent

NEEDS_PARTY = frozenset({OrganizationKind.party_branch, OrganizationKind.fund_raising_body})
# A fund-management organization names its politician only when a Diet member or candidate: a
# local office holder's is an ordinary organization (art. 19-7).
NEEDS_MEMBER = frozenset({OrganizationKind.diet_member_related})
SEES_FILER = frozenset({"funds:admin", "funds:review"})


def to_model(row: Row[Any], principal: Principal | None) -> Organization:
    model = Organization.model_validate(
        {
            **row._mapping,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "diet_member_related": is_diet_member_related(
                row.kind, row.diet_member_name, row.politician_office
            ),
        }
    )
    if principal is None or not (principal.scopes & SEES_FILER):
        model.filer_client_id = None
    return model


async def list_page(
    session: AsyncSession,
    page: PageRequest,
    principal: Principal | None,
    *,
    kind: OrganizationKind | None,
    party_id: int | None,
    politician_id: int | None = None,
) -> Page[Organization]:
    rows, token = await repository.page(
        session, page, kind=kind, party_id=party_id, politician_id=politician_id
    )
    return Page[Organization](items=[to_model(row, principal) for row in rows], next_page_token=token)


async def _check_relations(session: AsyncSession, body: OrganizationIn, *, own_id: int | None) -> None:
    def refuse(pointer: str, detail: str) -> UnprocessableContent:
        return UnprocessableContent(
            detail,
            slug="invalid-organization",
            errors=[{"location": "body", "pointer": pointer, "detail": detail, "type": "relation"}],
        )

    if body.dissolved_date is not None and body.dissolved_date < body.registered_date:
        raise refuse("/dissolved_date", "dissolution cannot precede registration")
    if body.kind in NEEDS_PARTY and body.party_id is None:
        raise refuse("/party_id", f"a {body.kind.value} must name its party")
    office = None
    if body.politician_id is not None:
        office = await repository.politician_office(session, body.politician_id)
        if office is None:
            raise refuse("/politician_id", f"politician {body.politician_id} is not registered")
    if body.kind in NEEDS_MEMBER and body.diet_member_name is None and office is None:
        raise refuse("/diet_member_name", f"a {body.kind.value} must name its Diet member or candidate")
    if office is not None and office not in DIET_OFFICES:
        if body.kind in NEEDS_MEMBER:
            raise refuse("/politician_id", f"a {body.kind.value} belongs to a Diet member or candidate")
        if body.diet_member_name is not None:
            raise refuse(
                "/diet_member_name", "the organization's politician is not a Diet member or candidate"
            )
    if body.party_id is not None:
        if body.party_id == own_id:
            raise refuse("/party_id", "an organization cannot be its own party")
        party = await repository.get(session, body.party_id)
        if party is None or party.kind != OrganizationKind.political_party:
            raise refuse("/party_id", f"organization {body.party_id} is not a registered political party")
    if await repository.filer_taken(session, body.filer_client_id, except_id=own_id):
        raise Conflict(
            f"client {body.filer_client_id} already files for another organization",
            slug="filer-taken",
        )


async def register(*, session: AsyncSession, body: OrganizationIn) -> Row[Any]:
    await _check_relations(session, body, own_id=None)
    now = utc_now()
    try:
        organization_id = await repository.create(
            session, {**body.model_dump(), "version": 1, "created_at": now, "updated_at": now}
        )
    except IntegrityError:
        raise Conflict(
            f"client {body.filer_client_id} already files for another organization", slug="filer-taken"
        ) from None
    row = await repository.get(session, organization_id)
    assert row is not None
    return row


async def replace(
    *, session: AsyncSession, organization_id: int, body: OrganizationIn, expected_version: int
) -> Row[Any]:
    await _check_relations(session, body, own_id=organization_id)
    await update_versioned(
        session,
        organizations,
        organizations.c.id == organization_id,
        expected_version=expected_version,
        values={**body.model_dump(), "updated_at": utc_now()},
    )
    row = await repository.get(session, organization_id)
    assert row is not None
    return row


async def get_or_404(session: AsyncSession, organization_id: int) -> Row[Any]:
    row = await repository.get(session, organization_id)
    if row is None:
        raise NotFound(f"No organization {organization_id}.")
    return row


async def read(database: Database, organization_id: int) -> Row[Any]:
    """An organization, read on its own (no transaction of the request's)."""
    row = await repository.get_alone(database, organization_id)
    if row is None:
        raise NotFound(f"No organization {organization_id}.")
    return row


async def filer_organization(session: AsyncSession, principal: Principal, organization_id: int) -> Row[Any]:
    """The organization, if the caller is its filer; another organization is a 404, as if absent."""
    row = await repository.get(session, organization_id)
    if row is None or row.filer_client_id != principal.client_id:
        raise NotFound(f"No organization {organization_id} for this client.")
    return row
