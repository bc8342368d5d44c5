"""HTTP: objections and recounts, result versions (public), replacement winners."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from services.elections.corrections import service
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import (
    Objection,
    ObjectionDecisionIn,
    ObjectionIn,
    Replacement,
    ReplacementIn,
    ResultVersion,
    ResultVersionIn,
    ResultVersionSummary,
)
from shared.values import RowId
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["corrections"])

SUPERVISOR = "elections:supervisor"


@router.post(
    "/contests/{contest_id}/objections",
    status_code=201,
    response_model=Objection,
    summary="Record an objection, review request or lawsuit against a certified result",
)
async def file_objection(
    body: ObjectionIn, write: WriteDep, contest_id: RowId, principal: Principal = require_scopes(SUPERVISOR)
) -> Response:
    objection = await service.file_objection(
        session=write.session, actor=principal.client_id, contest_id=contest_id, data=body
    )
    return write.respond(objection)


@router.get(
    "/contests/{contest_id}/objections",
    response_model=list[Objection],
    summary="Objections against a contest's result and their decisions (public)",
)
async def list_objections(session: SessionDep, _: OptionalPrincipal, contest_id: RowId) -> list[Objection]:
    return await service.list_objections(session=session, contest_id=contest_id)


@router.post(
    "/contests/{contest_id}/objections/{objection_id}/decision",
    response_model=Objection,
    summary="Decide an objection: dismissed, or a recount ordered (the tallies reopen)",
)
async def decide_objection(
    body: ObjectionDecisionIn,
    session: SessionDep,
    contest_id: RowId,
    objection_id: RowId,
    principal: Principal = require_scopes(SUPERVISOR),
) -> Response:
    objection = await service.decide_objection(
        session=session,
        actor=principal.client_id,
        contest_id=contest_id,
        objection_id=objection_id,
        data=body,
    )
    return json_response(objection)


@router.post(
    "/contests/{contest_id}/results/versions",
    status_code=201,
    response_model=ResultVersion,
    summary="Re-issue a certified result after an ordered recount, as its next version",
)
async def issue_result_version(
    body: ResultVersionIn,
    write: WriteDep,
    contest_id: RowId,
    principal: Principal = require_scopes(SUPERVISOR),
) -> Response:
    version = await service.issue_version(
        session=write.session, actor=principal.client_id, contest_id=contest_id, data=body
    )
    return write.respond(version)


@router.get(
    "/contests/{contest_id}/results/versions",
    response_model=list[ResultVersionSummary],
    summary="Every issue of a contest's certified result, with what changed and why (public)",
)
async def list_result_versions(
    session: SessionDep, _: OptionalPrincipal, contest_id: RowId
) -> list[ResultVersionSummary]:
    return await service.list_versions(session=session, contest_id=contest_id)


@router.get(
    "/contests/{contest_id}/results/versions/{version}",
    response_model=ResultVersion,
    summary="One issue of a contest's certified result, as it was issued (public, never changes)",
)
async def get_result_version(
    session: SessionDep, _: OptionalPrincipal, contest_id: RowId, version: RowId
) -> Response:
    found = await service.get_version(session=session, contest_id=contest_id, version=version)
    return json_response(found, headers={"Cache-Control": "public, max-age=86400, immutable"})


@router.post(
    "/contests/{contest_id}/replacements",
    status_code=201,
    response_model=Replacement,
    summary="Record a winner's vacated seat and its replacement winner (繰上補充, art. 97, 97-2)",
)
async def record_replacement(
    body: ReplacementIn, write: WriteDep, contest_id: RowId, principal: Principal = require_scopes(SUPERVISOR)
) -> Response:
    replacement = await service.record_replacement(
        session=write.session, actor=principal.client_id, contest_id=contest_id, data=body
    )
    return write.respond(replacement)


@router.get(
    "/contests/{contest_id}/replacements",
    response_model=list[Replacement],
    summary="Replacement winners recorded for a contest (public)",
)
async def list_replacements(
    session: SessionDep, _: OptionalPrincipal, contest_id: RowId
) -> list[Replacement]:
    return await service.list_replacements(session=session, contest_id=contest_id)
