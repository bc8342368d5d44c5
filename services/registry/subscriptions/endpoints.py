"""HTTP handlers of subscriptions (watch-lists) and their pull feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from services.registry.feed.endpoints import AfterCursor, FeedLimit
from services.registry.pseudonyms.codec import Identifiers
from services.registry.settings import RegistrySettings
from services.registry.state import PseudonymsDep, RegistryStateDep
from services.registry.subscriptions import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    DEFAULT_FEED_LIMIT,
    SubscribedEventFeed,
    Subscription,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionMemberRemovalsIn,
    SubscriptionMembersChanged,
    SubscriptionMembersIn,
)
from shared.web.context import current_request_id
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep
from shared.web.state import ServiceStateDep

router = APIRouter(route_class=PlannedRoute, tags=["subscriptions"])

SUBSCRIBE = "registry:subscribe"
SubscriptionIdPath = Annotated[
    str, Path(pattern=r"^[0-9a-f]{32}$", description="The id the subscription was created with.")
]


def identifiers_of(principal: Principal, pseudonyms: PseudonymsDep) -> Identifiers:
    return Identifiers(pseudonyms, principal.pseudonym_domain)


@router.post(
    "/subscriptions",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Create a subscription (a watch-list of residents)",
    description="Events of the residents you add are delivered to `webhook_url` (if given) from now "
    "on, and can be read from the subscription's pull feed. Fields follow the scopes of the token "
    "that creates it. The webhook secret is in this answer only.",
)
async def create_subscription(
    body: SubscriptionIn,
    write: WriteDep,
    state: RegistryStateDep,
    service_state: ServiceStateDep,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    settings: RegistrySettings = service_state.settings
    document = await service.create(
        write.session,
        principal=principal,
        body=body,
        secrets=state.webhook_secrets,
        private_addresses_allowed=settings.webhook_private_addresses_allowed,
    )
    return write.respond(
        document, status_code=201, location=f"/registry/v1/subscriptions/{document['subscription_id']}"
    )


@router.get("/subscriptions/{subscription_id}", response_model=Subscription, summary="One subscription")
async def get_subscription(
    subscription_id: SubscriptionIdPath, session: SessionDep, principal: Principal = require_scopes(SUBSCRIBE)
) -> Response:
    return json_response(service.document(await service.owned(session, subscription_id, principal)))


@router.post(
    "/subscriptions/{subscription_id}/members",
    response_model=SubscriptionMembersChanged,
    summary="Watch residents (up to 10,000 per request), each for a registered purpose",
    description="Adding a resident already watched changes its purpose. A pseudonymous client names "
    "residents by its pseudonyms. All or nothing: one bad item applies none.",
)
async def add_subscription_members(
    subscription_id: SubscriptionIdPath,
    body: SubscriptionMembersIn,
    session: SessionDep,
    pseudonyms: PseudonymsDep,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    subscription = await service.owned(session, subscription_id, principal)
    changed = await service.add_members(
        session,
        subscription=subscription,
        items=body.items,
        identifiers=identifiers_of(principal, pseudonyms),
    )
    return json_response({"changed": changed})


@router.post(
    "/subscriptions/{subscription_id}/member-removals",
    response_model=SubscriptionMembersChanged,
    summary="Stop watching residents (up to 10,000 per request)",
)
async def remove_subscription_members(
    subscription_id: SubscriptionIdPath,
    body: SubscriptionMemberRemovalsIn,
    session: SessionDep,
    pseudonyms: PseudonymsDep,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    subscription = await service.owned(session, subscription_id, principal)
    changed = await service.remove_members(
        session,
        subscription=subscription,
        resident_ids=body.resident_ids,
        identifiers=identifiers_of(principal, pseudonyms),
    )
    return json_response({"changed": changed})


@router.get(
    "/subscriptions/{subscription_id}/events",
    response_model=SubscribedEventFeed,
    summary="The watched residents' events after a cursor, in feed order",
    description="Only the members' events, with the fields your scopes allow (registry:read for the "
    "record after the event, registry:address for addresses). Each is logged under the purpose its "
    "resident is watched for (no X-Purpose needed). Keep next_cursor and pass it as `after`.",
)
async def list_subscription_events(
    subscription_id: SubscriptionIdPath,
    session: SessionDep,
    pseudonyms: PseudonymsDep,
    after: AfterCursor = 0,
    limit: FeedLimit = DEFAULT_FEED_LIMIT,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    subscription = await service.owned(session, subscription_id, principal)
    document = await service.events_page(
        session,
        subscription=subscription,
        after=after,
        limit=limit,
        principal=principal,
        identifiers=identifiers_of(principal, pseudonyms),
        request_id=current_request_id() or "-",
    )
    return json_response(document)
