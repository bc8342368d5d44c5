"""HTTP: reading and verifying the audit log."""

from __future__ import annotations

from fastapi import APIRouter

from services.elections.audit import repository, service
from services.elections.tables import audit_log
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import AuditRecord, AuditVerification
from shared.values import RowId
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint
from shared.web.sessions import SessionDep

router = APIRouter(tags=["audit"])


@router.get("/audit-log", response_model=Page[AuditRecord], summary="The audit log, oldest first")
async def list_audit_records(
    session: SessionDep,
    page: PageParams,
    election_id: RowId | None = None,
    _: Principal = require_scopes("elections:supervisor"),
) -> Page[AuditRecord]:
    rows, token = await keyset_page(
        session,
        repository.listing(election_id),
        sort_columns=[audit_log.c.seq],
        page=page,
        fingerprint=query_fingerprint("list_audit_records", election_id=election_id),
        position_of=lambda row: [row.seq],
    )
    items = [AuditRecord.model_validate({**row._mapping, "at": row.at}) for row in rows]
    return Page[AuditRecord](items=items, next_page_token=token)


@router.get("/audit-log/verification", response_model=AuditVerification, summary="Verify the hash chain")
async def verify_audit_log(
    session: SessionDep, _: Principal = require_scopes("elections:supervisor")
) -> AuditVerification:
    return await service.verify(session=session)
