"""HTTP: entering tally sheets and reading them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.elections.tallies import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import SheetStatus, TallyEntryIn, TallySheet
from shared.values import RowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["tallies"])


@router.post(
    "/contests/{contest_id}/tally-entries",
    status_code=201,
    response_model=TallySheet,
    summary="Enter a tally sheet (one of the two independent entries); returns the sheet's state",
)
async def enter_tally(
    body: TallyEntryIn,
    write: WriteDep,
    contest_id: RowId,
    principal: Principal = require_scopes("elections:clerk"),
) -> Response:
    sheet = await service.enter_tally(
        session=write.session, clerk=principal.client_id, contest_id=contest_id, entry=body
    )
    return write.respond(sheet)


@router.get(
    "/contests/{contest_id}/tally-sheets", response_model=Page[TallySheet], summary="List tally sheets"
)
async def list_tally_sheets(
    session: SessionDep,
    page: PageParams,
    contest_id: RowId,
    status: Annotated[SheetStatus | None, Query()] = None,
    _: Principal = require_scopes("elections:read"),
) -> Page[TallySheet]:
    return await service.list_sheets(session=session, contest_id=contest_id, status=status, page=page)


@router.get("/tally-sheets/{sheet_id}", response_model=TallySheet, summary="Get a tally sheet")
async def get_tally_sheet(
    session: SessionDep, sheet_id: RowId, _: Principal = require_scopes("elections:read")
) -> TallySheet:
    return await service.get_sheet(session=session, sheet_id=sheet_id)
