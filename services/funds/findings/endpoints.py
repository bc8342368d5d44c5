"""HTTP handlers for findings (the regulator's view of limit and ban breaches)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.funds.findings import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.funds import Finding, FindingKind
from shared.values import RowId
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["findings"])


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
    return await service.list_page(session, page, year=year, kind=kind, organization_id=organization_id)
