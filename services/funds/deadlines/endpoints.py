"""HTTP handlers of report deadlines: an organization's calendar, and the non-filers of a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.funds.deadlines import calendar, service
from services.funds.disclosure.endpoints import Prefecture
from services.funds.organizations import service as organization_service
from services.funds.state import RulesDep
from shared.contracts.funds import OrganizationKind
from shared.contracts.funds_feed import Deadline, NonFiler
from shared.values import RowId, utc_now
from shared.web.pagination import Page, PageParams
from shared.web.planned import PlannedRoute
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["deadlines"])
Year = Annotated[int, Query(ge=1947, le=2200)]


@router.get("/organizations/{organization_id}/deadlines", response_model=list[Deadline])
async def list_deadlines(organization_id: RowId, session: SessionDep, rules: RulesDep) -> list[Deadline]:
    """Every report's due date, from the year of registration to this year's, and its filing."""
    organization = await organization_service.get_or_404(session, organization_id)
    return await service.deadlines_of(
        session, organization, today=service.today_in_japan(utc_now()), rules=rules
    )


@router.get(
    "/organizations/{organization_id}/deadlines.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}},
)
async def get_deadline_calendar(organization_id: RowId, session: SessionDep, rules: RulesDep) -> Response:
    """The same deadlines as an iCalendar document (RFC 5545), one all-day event each."""
    organization = await organization_service.get_or_404(session, organization_id)
    deadlines = await service.deadlines_of(
        session, organization, today=service.today_in_japan(utc_now()), rules=rules
    )
    return Response(service.calendar_of(organization, deadlines), media_type=calendar.MEDIA_TYPE)


@router.get("/non-filers", response_model=Page[NonFiler])
async def list_non_filers(
    session: SessionDep,
    page: PageParams,
    rules: RulesDep,
    year: Year,
    organization_kind: Annotated[OrganizationKind | None, Query()] = None,
    prefecture: Prefecture = None,
    still_missing: Annotated[
        bool, Query(description="Only those that have not filed at all (leave out the late filers).")
    ] = False,
) -> Page[NonFiler]:
    """Organizations that had to file the year's report and had not by its due date (once it passed)."""
    query = service.non_filer_query(
        year=year,
        today=service.today_in_japan(utc_now()),
        rules=rules,
        organization_kind=organization_kind,
        prefecture=prefecture,
        still_missing=still_missing,
    )
    return await service.non_filers(session, page, query, rules=rules)
