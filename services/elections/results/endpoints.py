"""HTTP: results (public), lots and certification (supervisor), NIST and CSV exports (public)."""

from __future__ import annotations

import hashlib

import orjson
from fastapi import APIRouter
from starlette.responses import Response

from services.elections.results import export, service
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import ContestResult, ElectionResults, Lot, LotIn, ResultStatus
from shared.values import RowId
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["results"])


def _cached(body: bytes, media_type: str, certified: bool) -> Response:
    """Certified results are public with a strong ETag of their content (a conditional GET is answered
    by the app's ConditionalGet layer); a cache revalidates, since a correction re-issues the result
    (each issued version itself never changes: GET .../results/versions/{n})."""
    if not certified:
        return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Cache-Control": "public, no-cache", "ETag": etag}
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/contests/{contest_id}/results",
    response_model=ContestResult,
    summary="A contest's result (public): totals, seats, allocation steps, lot or re-election needed",
)
async def get_contest_result(session: SessionDep, _: OptionalPrincipal, contest_id: RowId) -> Response:
    result = await service.compute(session=session, contest_id=contest_id)
    body = result.__pydantic_serializer__.to_json(result)
    return _cached(body, "application/json", result.status == ResultStatus.CERTIFIED)


@router.get(
    "/elections/{election_id}/results",
    response_model=ElectionResults,
    summary="Every contest's result (public); per-party and per-candidate totals and seats",
)
async def get_election_results(session: SessionDep, _: OptionalPrincipal, election_id: RowId) -> Response:
    results = await service.election_results(session=session, election_id=election_id)
    body = results.__pydantic_serializer__.to_json(results)
    return _cached(body, "application/json", export.report_status(results) == ResultStatus.CERTIFIED)


@router.get(
    "/elections/{election_id}/results/nist",
    summary="Results as NIST SP 1500-100 Election Results Reporting JSON (public)",
    responses={200: {"content": {"application/json": {}}}},
)
async def export_results_nist(session: SessionDep, _: OptionalPrincipal, election_id: RowId) -> Response:
    report, status = await service.nist_export(session=session, election_id=election_id)
    return _cached(orjson.dumps(report), "application/json", status == ResultStatus.CERTIFIED)


@router.get(
    "/elections/{election_id}/results/csv",
    summary="Results as CSV (public)",
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_results_csv(session: SessionDep, _: OptionalPrincipal, election_id: RowId) -> Response:
    results = await service.election_results(session=session, election_id=election_id)
    certified = export.report_status(results) == ResultStatus.CERTIFIED
    return _cached(export.results_csv(results).encode(), "text/csv; charset=utf-8", certified)


@router.post(
    "/contests/{contest_id}/lots",
    status_code=201,
    response_model=Lot,
    summary="Record the outcome of a lot (or a committed seed) for the tie the result is waiting on",
)
async def record_lot(
    body: LotIn,
    write: WriteDep,
    contest_id: RowId,
    principal: Principal = require_scopes("elections:supervisor"),
) -> Response:
    lot = await service.record_lot(
        session=write.session, actor=principal.client_id, contest_id=contest_id, data=body
    )
    return write.respond(lot)


@router.get(
    "/contests/{contest_id}/lots", response_model=list[Lot], summary="Lots recorded for a contest (public)"
)
async def list_lots(session: SessionDep, _: OptionalPrincipal, contest_id: RowId) -> list[Lot]:
    return await service.list_lots(session=session, contest_id=contest_id)


@router.post(
    "/contests/{contest_id}/certification",
    response_model=ContestResult,
    summary="Certify a complete result; it is frozen from then on",
)
async def certify_result(
    session: SessionDep,
    contest_id: RowId,
    principal: Principal = require_scopes("elections:supervisor"),
) -> Response:
    result = await service.certify(session=session, actor=principal.client_id, contest_id=contest_id)
    return json_response(result)
