"""HTTP handler of the change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.registry.accesslog.purpose import provision_for
from services.registry.feed import service
from services.registry.pseudonyms.codec import Identifiers
from services.registry.residents.views import Visibility
from services.registry.state import PseudonymsDep
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import DEFAULT_FEED_LIMIT, MAX_FEED_LIMIT, EventFeed, EventType
from shared.web.planned import PlannedRoute
from shared.web.purpose import PurposeHeader
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["change feed"])

AfterCursor = Annotated[
    int, Query(ge=0, le=2**63 - 1, description="The last cursor you processed; 0 from the start.")
]
FeedLimit = Annotated[int, Query(ge=1, le=MAX_FEED_LIMIT)]
EventTypes = Annotated[
    list[EventType] | None,
    Query(
        alias="type",
        description="Only events of these types (repeat for several); the cursor still moves past the "
        "others, to the head once none is left.",
    ),
]


@router.get(
    "/events",
    response_model=EventFeed,
    summary="The change feed: life events after a cursor, in order",
    description="Personal fields follow the caller's scopes (registry:read for the record after "
    "the event, registry:address for addresses). A client configured with a pseudonym domain sees "
    "its own pseudonyms (機関別符号) in `resident_code`. Keep next_cursor and pass it as `after`.",
)
async def list_events(
    session: SessionDep,
    pseudonyms: PseudonymsDep,
    after: AfterCursor = 0,
    limit: FeedLimit = DEFAULT_FEED_LIMIT,
    event_types: EventTypes = None,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:feed"),
) -> Response:
    document = await service.events_page(
        session,
        after=after,
        limit=limit,
        types=event_types,
        visibility=Visibility.of(principal.scopes),
        provision=provision_for(principal, purpose),
        identifiers=Identifiers(pseudonyms, principal.pseudonym_domain),
    )
    return json_response(document)
