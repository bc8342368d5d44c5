"""HTTP handlers for findings (the regulator's view of limit and ban breaches)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.funds.findings import repository, service
from services.funds.tables import findings
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds import Finding, FindingKind
from shared.values import RowId
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint
from shared.web.sessions import SessionDep

router = APIRouter(tags=["findings"])


@router.get("/findings", response_model=Page[Finding])
async def list_findings(
    session: SessionDep,
    page: PageParams,
    year: Annotated[int | None, Query(ge=1947, le=2200)] = None,
    kind: Annotated[FindingKind | None, Query()] = None,
    organization_id: RowId | None = None,
    _: Principal = require_scopes("funds:review"),
) -> Page[Finding]:
    """Breaches of donation limits and bans found in the filed reports."""
    statement = repository.list_statement()
    if year is not None:
        statement = statement.where(findings.c.year == year)
    if kind is not None:
        statement = statement.where(findings.c.kind == kind.value)
    if organization_id is not None:
        statement = statement.where(findings.c.organization_id == organization_id)
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[findings.c.id],
        page=page,
        fingerprint=query_fingerprint("list_findings", year=year, kind=kind, organization_id=organization_id),
        position_of=lambda row: [row.id],
    )
    return Page[Finding](items=[service.to_model(row) for row in rows], next_page_token=token)
