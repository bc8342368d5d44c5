"""HTTP handlers of applications: create, read, edit, submit, withdraw, decide, check eligibility."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from services.revitalization.access import APPLY, REVIEW, require_any
from services.revitalization.applications import service
from services.revitalization.applications.states import Action
from services.revitalization.state import ResidenceSourceDep
from services.revitalization.web import (
    FiscalYearFilter,
    IfMatch,
    MunicipalityFilter,
    ProgrammeFilter,
    StateFilter,
)
from shared.auth.dependencies import caller_of, require_scopes, with_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    Application,
    ApplicationIn,
    ApplicationPatch,
    DecisionIn,
    EligibilityReport,
    SubmissionIn,
    Transition,
    WithdrawalIn,
)
from shared.values import BigRowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.routes import json_body_as, path_parameter, shaped_route
from shared.web.sessions import ReadSessionDep, SessionDep
from shared.web.state import DatabaseDep, state_of

router = APIRouter(route_class=PlannedRoute, tags=["applications"])


@router.post(
    "/applications", status_code=201, response_model=Application, summary="Start an application (draft)"
)
async def create_application(
    application: ApplicationIn, write: WriteDep, principal: Principal = require_scopes(APPLY)
) -> Response:
    created = await service.create_application(
        session=write.session, principal=principal, application=application
    )
    return write.respond(created, version=created.version)


@router.get(
    "/applications",
    response_model=Page[Application],
    summary="Applications: a reviewer sees all, an applying system its own (apply or review scope)",
)
async def list_applications(
    database: DatabaseDep,
    page: PageParams,
    programme_code: ProgrammeFilter = None,
    fiscal_year: FiscalYearFilter = None,
    municipality_code: MunicipalityFilter = None,
    state: StateFilter = None,
    principal: Principal = require_scopes(),
) -> Response:
    require_any(principal, APPLY, REVIEW)
    listed = await service.list_applications(
        reader=database,
        principal=principal,
        page=page,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
        state=state,
    )
    return json_response(listed)


@router.get("/applications/{application_id}", response_model=Application, summary="One application")
async def get_application(
    application_id: BigRowId, session: ReadSessionDep, principal: Principal = require_scopes()
) -> Response:
    require_any(principal, APPLY, REVIEW)
    found = await service.get_application(session=session, principal=principal, application_id=application_id)
    return json_response(found, version=found.version)


@router.patch(
    "/applications/{application_id}",
    response_model=Application,
    summary="Edit a draft or returned application (If-Match)",
)
async def edit_application(
    application_id: BigRowId,
    patch: ApplicationPatch,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    application = await service.edit_application(
        session=session, principal=principal, application_id=application_id, patch=patch, if_match=if_match
    )
    return json_response(application, version=application.version)


@router.post(
    "/applications/{application_id}/submissions",
    response_model=Application,
    summary="Submit (or resubmit) an application; safe to retry with Idempotency-Key",
)
async def submit_application(
    application_id: BigRowId,
    submission: SubmissionIn,
    write: WriteDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    application = await service.applicant_action(
        session=write.session,
        principal=principal,
        application_id=application_id,
        action=Action.SUBMIT,
        reason=submission.reason,
        if_match=if_match,
    )
    return write.respond(application, status_code=200, version=application.version)


@router.post(
    "/applications/{application_id}/withdrawals",
    response_model=Application,
    summary="Withdraw an application",
)
async def withdraw_application(
    application_id: BigRowId,
    withdrawal: WithdrawalIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(APPLY),
) -> Response:
    application = await service.applicant_action(
        session=session,
        principal=principal,
        application_id=application_id,
        action=Action.WITHDRAW,
        reason=withdrawal.reason,
        if_match=if_match,
    )
    return json_response(application, version=application.version)


async def _well_formed_decision(request: Request) -> Response | None:
    """`decide_application` for a request whose shape the route takes as it is (a JSON body the
    decision's model takes, an If-Match the route's header field takes): answered without FastAPI's
    general solver, which reads, decodes and validates the body, the header and the dependencies
    anew on every request. Anything else goes to the route's own handler, which answers its
    problems. Same order of checks as the route's dependencies: token and scope, then the id."""
    route: APIRoute = request.scope["route"]
    if_match = request.headers.get("if-match")
    if if_match is not None:
        [field] = route.dependant.header_params
        if field.validate(if_match, {}, loc=("header", field.alias))[1]:
            return None
    decision = json_body_as(DecisionIn, request.headers.get("content-type"), await request.body())
    if decision is None:
        return None
    principal = with_scopes(await caller_of(request), (REVIEW,))
    application = await service.decide(
        database=state_of(request.app).database,
        principal=principal,
        application_id=path_parameter(request, "application_id"),
        decision=decision,
        if_match=if_match,
    )
    return json_response(application.body, version=application.version)


@shaped_route(
    router,
    "/applications/{application_id}/decisions",
    method="POST",
    answered_first_by_handler=_well_formed_decision,
    response_model=Application,
    summary="A reviewer's step: start review, return, approve (commits budget), reject, activate, complete",
)
async def decide_application(
    application_id: BigRowId,
    decision: DecisionIn,
    database: DatabaseDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(REVIEW),
) -> Response:
    application = await service.decide(
        database=database,
        principal=principal,
        application_id=application_id,
        decision=decision,
        if_match=if_match,
    )
    return json_response(application.body, version=application.version)


@router.post(
    "/applications/{application_id}/eligibility-checks",
    response_model=EligibilityReport,
    summary="Check and explain eligibility (asks the registry where the rule needs it)",
)
async def check_application_eligibility(
    application_id: BigRowId,
    session: SessionDep,
    source: ResidenceSourceDep,
    principal: Principal = require_scopes(REVIEW),
) -> EligibilityReport:
    return await service.check_eligibility(
        session=session, principal=principal, application_id=application_id, source=source
    )


@router.get(
    "/applications/{application_id}/transitions",
    response_model=Page[Transition],
    summary="The audit trail: every change with who, when, old and new values and reason",
)
async def list_application_transitions(
    application_id: BigRowId,
    session: SessionDep,
    page: PageParams,
    principal: Principal = require_scopes(),
) -> Page[Transition]:
    require_any(principal, APPLY, REVIEW)
    items, token = await service.list_transitions(
        session=session, principal=principal, application_id=application_id, page=page
    )
    return Page[Transition](items=items, next_page_token=token)
