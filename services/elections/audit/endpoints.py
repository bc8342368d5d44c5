"""HTTP: reading and verifying the audit log."""

from __future__ import annotations

from fastapi import APIRouter

from services.elections.audit import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import AuditRecord, AuditVerification
from shared.values import RowId
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["audit"])


@router.get("/audit-log", response_model=Page[AuditRecord], summary="The audit log, oldest first")
async def list_audit_records(
    session: SessionDep,
    page: PageParams,
    election_id: RowId | None = None,
    _: Principal = require_scopes("elections:supervisor"),
) -> Page[AuditRecord]:
    return await service.list_records(session=session, election_id=election_id, page=page)


@router.get("/audit-log/verification", response_model=AuditVerification, summary="Verify the hash chain")
async def verify_audit_log(
    session: SessionDep, _: Principal = require_scopes("elections:supervisor")
) -> AuditVerification:
    return await service.verify(session=session)
