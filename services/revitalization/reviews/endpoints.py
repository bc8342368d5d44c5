"""HTTP handlers of the review of applications to a call: panel, assignments, scores, decisions."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from services.revitalization.access import REVIEW
from services.revitalization.calls import service as calls
from services.revitalization.reviews import service
from services.revitalization.web import IfMatch
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization_calls import (
    Assignment,
    AssignmentIn,
    CallApplication,
    CallDecisionIn,
    Reviewer,
    ReviewerIn,
    Score,
    ScoreIn,
)
from shared.values import BigRowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import ReadSessionDep, SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["review of call applications"])


@router.post(
    "/calls/{call_id}/reviewers",
    status_code=201,
    response_model=Reviewer,
    summary="Put a reviewer on a call's panel, with its municipality and organization (the issuer)",
)
async def add_call_reviewer(
    call_id: BigRowId, reviewer: ReviewerIn, write: WriteDep, principal: Principal = require_scopes()
) -> Response:
    added = await service.add_reviewer(
        session=write.session,
        principal=principal,
        call_id=call_id,
        reviewer=reviewer,
        now=calls.current_time(),
    )
    return write.respond(added)


@router.get(
    "/calls/{call_id}/reviewers", response_model=Page[Reviewer], summary="A call's panel (the issuer)"
)
async def list_call_reviewers(
    call_id: BigRowId, session: ReadSessionDep, page: PageParams, principal: Principal = require_scopes()
) -> Page[Reviewer]:
    items, token = await service.list_reviewers(
        session=session, principal=principal, page=page, call_id=call_id
    )
    return Page[Reviewer](items=items, next_page_token=token)


@router.get(
    "/call-applications/{application_id}",
    response_model=CallApplication,
    summary="One application to a call: its issuer, the applying system, or an assigned reviewer",
)
async def get_call_application(
    application_id: BigRowId, session: ReadSessionDep, principal: Principal = require_scopes()
) -> Response:
    found = await service.get_application(session=session, principal=principal, application_id=application_id)
    return json_response(found, version=found.version)


@router.post(
    "/call-applications/{application_id}/assignments",
    status_code=201,
    response_model=Assignment,
    summary="Assign a panel reviewer to an application; a conflict of interest is refused (the issuer)",
)
async def assign_call_reviewer(
    application_id: BigRowId,
    assignment: AssignmentIn,
    write: WriteDep,
    principal: Principal = require_scopes(),
) -> Response:
    assigned = await service.assign(
        session=write.session,
        principal=principal,
        application_id=application_id,
        assignment=assignment,
        now=calls.current_time(),
    )
    return write.respond(assigned)


@router.post(
    "/call-applications/{application_id}/scores",
    status_code=201,
    response_model=Score,
    summary="Score an application against the call's rubric, once (an assigned reviewer)",
)
async def score_call_application(
    application_id: BigRowId, score: ScoreIn, write: WriteDep, principal: Principal = require_scopes(REVIEW)
) -> Response:
    recorded = await service.score(
        session=write.session,
        principal=principal,
        application_id=application_id,
        given=score,
        now=calls.current_time(),
    )
    return write.respond(recorded)


@router.get(
    "/call-applications/{application_id}/scores",
    response_model=list[Score],
    summary="Scores of an application: the issuer sees all, a reviewer only its own",
)
async def list_call_application_scores(
    application_id: BigRowId, session: ReadSessionDep, principal: Principal = require_scopes()
) -> list[Score]:
    return await service.list_scores(session=session, principal=principal, application_id=application_id)


@router.post(
    "/call-applications/{application_id}/decisions",
    response_model=CallApplication,
    summary="Award or reject on two scores, citing them (the issuer, If-Match, after the call closed)",
)
async def decide_call_application(
    application_id: BigRowId,
    decision: CallDecisionIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(),
) -> Response:
    decided = await service.decide(
        session=session,
        principal=principal,
        application_id=application_id,
        decision=decision,
        if_match=if_match,
        now=calls.current_time(),
    )
    return json_response(decided, version=decided.version)
