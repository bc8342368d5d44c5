"""HTTP handler of the filings feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.funds.disclosure.endpoints import Prefecture
from services.funds.disclosure.service import sees_everything
from services.funds.feed import service
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.funds import OrganizationKind
from shared.contracts.funds_feed import DEFAULT_FILINGS_LIMIT, MAX_FILINGS_LIMIT, FilingFeed
from shared.values import CalendarDate, utc_now
from shared.web.planned import PlannedRoute
from shared.web.sessions import ReadSessionDep

router = APIRouter(route_class=PlannedRoute, tags=["filings feed"])


@router.get(
    "/filings",
    response_model=FilingFeed,
    summary="The filings feed: every new or amended report after a cursor, in order",
    description="Public: reports while the law keeps them public (the regulator sees all). Keep "
    "next_cursor and pass it as `after`; a filing committed later never comes before a cursor "
    "already handed out.",
)
async def list_filings(
    session: ReadSessionDep,
    principal: OptionalPrincipal,
    after: Annotated[
        int, Query(ge=0, le=2**63 - 1, description="The last cursor you processed; 0 from the start.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_FILINGS_LIMIT)] = DEFAULT_FILINGS_LIMIT,
    organization_kind: Annotated[OrganizationKind | None, Query()] = None,
    prefecture: Prefecture = None,
    filed_since: Annotated[
        CalendarDate | None, Query(description="Filed on or after this day (Japan time).")
    ] = None,
) -> FilingFeed:
    feed_filters = service.filters(
        organization_kind=organization_kind,
        prefecture=prefecture,
        filed_since=filed_since,
        public_on=None if sees_everything(principal) else utc_now().date(),
    )
    return await service.page(session, after=after, limit=limit, feed_filters=feed_filters)
