"""Results after award: the municipality (the applying system, for its own award) or a reviewer reports
milestones and dated outcome figures; everyone may read them as open data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.access import APPLY, REVIEW, require_any
from services.revitalization.applications import service as applications
from services.revitalization.applications.states import AWARDED
from services.revitalization.opendata.giving360 import Publisher, grant_id
from services.revitalization.placements.service import today
from services.revitalization.results import repository
from services.revitalization.results.rules import date_refusal
from services.revitalization.web import AwardFilters
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    ApplicationState,
    Milestone,
    MilestoneIn,
    Outcome360,
    OutcomeIndicator,
    OutcomeReport,
    OutcomeReportIn,
    PublicMilestone,
    PublicOutcome,
)
from shared.values import JST, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def milestone_model(row: Any) -> Milestone:
    return Milestone(
        id=row.id,
        application_id=row.application_id,
        title=row.title,
        planned_date=row.planned_date,
        achieved_date=row.achieved_date,
        reported_by=row.reported_by,
        reported_at=row.reported_at,
        version=row.version,
    )


def outcome_model(row: Any) -> OutcomeReport:
    return OutcomeReport(
        id=row.id,
        application_id=row.application_id,
        indicator=OutcomeIndicator(row.indicator),
        value=row.value,
        measured_on=row.measured_on,
        reported_by=row.reported_by,
        reported_at=row.reported_at,
    )


async def _award(*, session: AsyncSession, principal: Principal, application_id: int) -> Any:
    """The award this caller may report on: its own (the applying system) or any (a reviewer)."""
    require_any(principal, APPLY, REVIEW)
    row = await applications.visible_row(session=session, principal=principal, application_id=application_id)
    state = ApplicationState(row.state)
    if state not in AWARDED:
        raise Conflict(
            f"Results are reported on awards; this application is {state.value}.", slug="not-awarded"
        )
    return row


def _check_date(row: Any, day: date, what: str) -> None:
    refusal = date_refusal(day, awarded_on=row.awarded_at.astimezone(JST).date(), today=today(), what=what)
    if refusal is not None:
        slug, detail = refusal
        raise UnprocessableContent(detail, slug=slug)


async def report_milestone(
    *, session: AsyncSession, principal: Principal, application_id: int, milestone: MilestoneIn
) -> Milestone:
    row = await _award(session=session, principal=principal, application_id=application_id)
    if milestone.achieved_date is not None:
        _check_date(row, milestone.achieved_date, "achievement date")
    milestone_id = await repository.insert_milestone(
        session,
        application_id=application_id,
        title=milestone.title,
        planned_date=milestone.planned_date,
        achieved_date=milestone.achieved_date,
        reported_by=principal.client_id,
        reported_at=utc_now(),
    )
    return await _milestone(session, application_id, milestone_id)


async def _milestone(session: AsyncSession, application_id: int, milestone_id: int) -> Milestone:
    row = await repository.get_milestone(session, application_id, milestone_id)
    if row is None:
        raise NotFound(
            f"No milestone {milestone_id} on application {application_id}.", slug="milestone-not-found"
        )
    return milestone_model(row)


async def achieve_milestone(
    *,
    session: AsyncSession,
    principal: Principal,
    application_id: int,
    milestone_id: int,
    achieved_date: date,
    if_match: str | None,
) -> Milestone:
    award = await _award(session=session, principal=principal, application_id=application_id)
    current = await _milestone(session, application_id, milestone_id)
    check_if_match(if_match, current.version)
    if current.achieved_date is not None:
        raise Conflict(
            f"The milestone was achieved on {current.achieved_date.isoformat()}.",
            slug="milestone-already-achieved",
        )
    _check_date(award, achieved_date, "achievement date")
    if not await repository.achieve_milestone(
        session,
        milestone_id,
        expected_version=current.version,
        achieved_date=achieved_date,
        actor=principal.client_id,
        at=utc_now(),
    ):
        raise Conflict(
            "The milestone changed while this request ran; read it again.", slug="milestone-changed"
        )
    return await _milestone(session, application_id, milestone_id)


async def report_outcome(
    *, session: AsyncSession, principal: Principal, application_id: int, report: OutcomeReportIn
) -> OutcomeReport:
    row = await _award(session=session, principal=principal, application_id=application_id)
    _check_date(row, report.measured_on, "measurement date")
    created = await repository.insert_outcome(
        session,
        application_id=application_id,
        indicator=report.indicator.value,
        value=report.value,
        measured_on=report.measured_on,
        reported_by=principal.client_id,
        reported_at=utc_now(),
    )
    return outcome_model(created)


def _award_fields(row: Any, publisher: Publisher) -> dict[str, Any]:
    """What a public result says of its award: the grant and where and when it was made."""
    return {
        "grant_id": grant_id(publisher, row.application_id),
        "programme_code": row.programme_code,
        "fiscal_year": row.fiscal_year,
        "municipality_code": row.municipality_code,
    }


async def public_outcomes(
    *,
    session: AsyncSession,
    page: PageRequest,
    publisher: Publisher,
    filters: AwardFilters,
    indicator: OutcomeIndicator | None,
) -> tuple[list[PublicOutcome], str | None]:
    rows, token = await repository.page_public_outcomes(
        session, page, filters, indicator=None if indicator is None else indicator.value
    )
    items = [
        PublicOutcome(
            **_award_fields(row, publisher),
            indicator=OutcomeIndicator(row.indicator),
            value=row.value,
            measured_on=row.measured_on,
            reported_at=row.reported_at,
        )
        for row in rows
    ]
    return items, token


async def public_milestones(
    *, session: AsyncSession, page: PageRequest, publisher: Publisher, filters: AwardFilters
) -> tuple[list[PublicMilestone], str | None]:
    rows, token = await repository.page_public_milestones(session, page, filters)
    items = [
        PublicMilestone(
            **_award_fields(row, publisher),
            title=row.title,
            planned_date=row.planned_date,
            achieved_date=row.achieved_date,
        )
        for row in rows
    ]
    return items, token


async def latest_outcomes(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[Outcome360]]:
    """Per award, the latest reported figure of each indicator (by measurement date, then report)."""
    latest: dict[int, dict[str, Outcome360]] = {}
    for row in await repository.outcomes_of(session, application_ids):
        figure = Outcome360(indicator=row.indicator, value=row.value, measuredOn=row.measured_on)
        latest.setdefault(row.application_id, {})[row.indicator] = figure
    return {application_id: list(by_indicator.values()) for application_id, by_indicator in latest.items()}
