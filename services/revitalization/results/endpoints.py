"""HTTP handlers of results after award: reports by the municipality or a reviewer, public open data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from services.revitalization.results import service
from services.revitalization.state import PublisherDep
from services.revitalization.web import AwardFiltersDep, IfMatch
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    Milestone,
    MilestoneAchievementIn,
    MilestoneIn,
    OutcomeIndicator,
    OutcomeReport,
    OutcomeReportIn,
    PublicMilestone,
    PublicOutcome,
)
from shared.values import BigRowId
from shared.web.idempotency import WriteDep
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["results"])
MilestonePath = Annotated[BigRowId, Path()]


@router.post(
    "/applications/{application_id}/milestones",
    status_code=201,
    response_model=Milestone,
    summary="Report a milestone of an award (the municipality or a reviewer; Idempotency-Key)",
)
async def report_milestone(
    application_id: BigRowId,
    milestone: MilestoneIn,
    write: WriteDep,
    principal: Principal = require_scopes(),
) -> Response:
    result = await service.report_milestone(
        session=write.session, principal=principal, application_id=application_id, milestone=milestone
    )
    return write.respond(result, version=result.version)


@router.post(
    "/applications/{application_id}/milestones/{milestone_id}/achievements",
    response_model=Milestone,
    summary="Record that a milestone was achieved, and when (If-Match)",
)
async def achieve_milestone(
    application_id: BigRowId,
    milestone_id: MilestonePath,
    achievement: MilestoneAchievementIn,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes(),
) -> Response:
    result = await service.achieve_milestone(
        session=session,
        principal=principal,
        application_id=application_id,
        milestone_id=milestone_id,
        achieved_date=achievement.achieved_date,
        if_match=if_match,
    )
    return json_response(result, version=result.version)


@router.post(
    "/applications/{application_id}/outcomes",
    status_code=201,
    response_model=OutcomeReport,
    summary="Report an outcome figure of an award as of a date (Idempotency-Key)",
)
async def report_outcome(
    application_id: BigRowId,
    report: OutcomeReportIn,
    write: WriteDep,
    principal: Principal = require_scopes(),
) -> Response:
    result = await service.report_outcome(
        session=write.session, principal=principal, application_id=application_id, report=report
    )
    return write.respond(result)


@router.get(
    "/open-data/outcomes",
    response_model=Page[PublicOutcome],
    summary="Every outcome report of every award, oldest first (public)",
)
async def list_public_outcomes(
    session: SessionDep,
    publisher: PublisherDep,
    page: PageParams,
    _: OptionalPrincipal,
    filters: AwardFiltersDep,
    indicator: Annotated[OutcomeIndicator | None, Query()] = None,
) -> Page[PublicOutcome]:
    items, token = await service.public_outcomes(
        session=session, page=page, publisher=publisher, filters=filters, indicator=indicator
    )
    return Page[PublicOutcome](items=items, next_page_token=token)


@router.get(
    "/open-data/milestones",
    response_model=Page[PublicMilestone],
    summary="Every milestone of every award with its planned and achieved dates (public)",
)
async def list_public_milestones(
    session: SessionDep,
    publisher: PublisherDep,
    page: PageParams,
    _: OptionalPrincipal,
    filters: AwardFiltersDep,
) -> Page[PublicMilestone]:
    items, token = await service.public_milestones(
        session=session, page=page, publisher=publisher, filters=filters
    )
    return Page[PublicMilestone](items=items, next_page_token=token)
