"""HTTP handlers of the access log: the resident's disclosure and the chain verification."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.responses import Response

from services.registry.accesslog import service
from services.registry.accesslog.purpose import PurposeHeader, provision_for
from services.registry.tables import access_log
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import AccessRecordPage, ChainVerification
from shared.values import ResidentCode, to_rfc3339
from shared.web.idempotency import SessionDep, json_response
from shared.web.pagination import PageParams, keyset_page, query_fingerprint

router = APIRouter(tags=["access log"])


@router.get(
    "/residents/{resident_code}/access-records",
    response_model=AccessRecordPage,
    summary="Who received this resident's data, when, why, and which items (disclosure)",
    description="For a resident's own request, made through a municipality system holding "
    "registry:disclosure.",
)
async def list_access_records(
    resident_code: ResidentCode,
    session: SessionDep,
    page: PageParams,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:disclosure"),
) -> Response:
    provision_for(principal, purpose)
    table = access_log
    rows, token = await keyset_page(
        session,
        select(table).where(table.c.resident_code == resident_code),
        sort_columns=[table.c.entry_id],
        page=page,
        fingerprint=query_fingerprint("list_access_records", resident_code=resident_code),
        position_of=lambda row: [row.entry_id],
        descending=True,
    )
    items = [
        {
            "entry_id": row.entry_id,
            "recorded_at": to_rfc3339(row.recorded_at),
            "client_id": row.client_id,
            "purpose": row.purpose,
            "request_id": row.request_id,
            "operation": row.operation,
            "items": row.items.split(",") if row.items else [],
        }
        for row in rows
    ]
    return json_response({"items": items, "next_page_token": token})


@router.get(
    "/access-log/verification",
    response_model=ChainVerification,
    summary="Verify the access log's hash chain and report the first broken link",
)
async def verify_access_log(session: SessionDep, _: Principal = require_scopes("registry:audit")) -> Response:
    result = await service.verify(session)
    broken = None
    if result.first_broken is not None:
        lane, found = result.first_broken
        broken = {
            "entry_id": found.entry_id,
            "lane": lane,
            "sequence": found.sequence,
            "reason": found.reason,
        }
    return json_response(
        {
            "valid": result.valid,
            "entries_checked": result.entries_checked,
            "lanes_checked": result.lanes_checked,
            "first_broken": broken,
        }
    )
