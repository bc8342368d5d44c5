"""HTTP handlers of a subscription's webhook deliveries: the list (and dead-letter list) and replay."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from services.registry.deliveries import service
from services.registry.subscriptions import service as subscriptions
from services.registry.subscriptions.endpoints import SUBSCRIBE, SubscriptionIdPath
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import Delivery, DeliveryPage, DeliveryStatus
from shared.values import utc_now
from shared.web.pagination import PageParams
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["subscriptions"])

DeliveryIdPath = Annotated[str, Path(pattern=r"^msg_[0-9a-f]{32}$", description="The delivery's webhook-id.")]


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=DeliveryPage,
    summary="The subscription's webhook deliveries, oldest first (status=dead: the dead-letter list)",
)
async def list_subscription_deliveries(
    subscription_id: SubscriptionIdPath,
    session: SessionDep,
    page: PageParams,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries in this state.")] = None,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    subscription = await subscriptions.owned(session, subscription_id, principal)
    return json_response(await service.page(session, subscription, status=status, page=page))


@router.post(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay",
    response_model=Delivery,
    summary="Send a dead delivery again",
    description="The delivery goes back to pending with fresh attempts and is sent again, with the "
    "same webhook-id and body, before the subscription's later events.",
)
async def replay_subscription_delivery(
    subscription_id: SubscriptionIdPath,
    delivery_id: DeliveryIdPath,
    session: SessionDep,
    principal: Principal = require_scopes(SUBSCRIBE),
) -> Response:
    subscription = await subscriptions.owned(session, subscription_id, principal)
    return json_response(await service.replay(session, subscription, delivery_id, now=utc_now()))
