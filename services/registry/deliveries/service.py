"""Webhook deliveries: the next one a subscription is owed (built from the outbox and logged in
the access log in one transaction), what an attempt's outcome makes of it, and the client's view
of them (the dead-letter list and its replay)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.deliveries import repository, rules
from services.registry.pseudonyms.codec import Identifiers, PseudonymCodec
from services.registry.residents.views import Visibility
from services.registry.subscriptions import service as subscriptions
from shared.contracts.registry import WEBHOOK_EVENT_TYPE, DeliveryStatus
from shared.values import to_rfc3339
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, NotFound

OPERATION = "deliver_subscription_events"
_ERROR_LENGTH = 200


def document(row: Row[Any]) -> dict[str, Any]:
    return {
        "delivery_id": row.delivery_id,
        "status": row.status,
        "after_sequence": row.after_sequence,
        "through_sequence": row.through_sequence,
        "event_count": row.event_count,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": to_rfc3339(row.created_at),
        "next_attempt_at": to_rfc3339(row.next_attempt_at) if row.next_attempt_at else None,
        "delivered_at": to_rfc3339(row.delivered_at) if row.delivered_at else None,
    }


async def next_owed(
    session: AsyncSession,
    subscription: Row[Any],
    *,
    now: datetime,
    codec: PseudonymCodec,
    batch_events: int,
) -> Row[Any] | None:
    """The delivery to attempt now: the oldest pending one if it is due; else, if none is pending,
    a new one of the events after the subscription's cursor (None if it is owed nothing now)."""
    pending = await repository.oldest_pending(session, subscription.subscription_id)
    if pending is not None:
        due = pending.next_attempt_at is None or pending.next_attempt_at <= now
        return pending if due else None
    return await _build(session, subscription, now=now, codec=codec, batch_events=batch_events)


async def _build(
    session: AsyncSession, subscription: Row[Any], *, now: datetime, codec: PseudonymCodec, batch_events: int
) -> Row[Any] | None:
    """The next batch of the members' events as a pending delivery, its provision logged and the
    cursor moved past it, in the caller's transaction: committed together or not at all."""
    after = subscription.delivery_cursor
    page = await subscriptions.watched_events(
        session,
        subscription_id=subscription.subscription_id,
        after=after,
        limit=batch_events,
        visibility=Visibility.of(subscription.scopes.split()),
        identifiers=Identifiers(codec, subscription.pseudonym_domain),
    )
    if page.next_cursor != after:
        await subscriptions.move_cursor(session, subscription.subscription_id, page.next_cursor)
    if not page.documents:
        return None
    delivery_id = "msg_" + uuid.uuid4().hex
    body = {
        "type": WEBHOOK_EVENT_TYPE,
        "timestamp": to_rfc3339(now),
        "data": {
            "subscription_id": subscription.subscription_id,
            "delivery_id": delivery_id,
            "after_sequence": after,
            "through_sequence": page.next_cursor,
            "items": page.documents,
        },
    }
    await repository.insert(
        session,
        delivery_id=delivery_id,
        subscription_id=subscription.subscription_id,
        after_sequence=after,
        through_sequence=page.next_cursor,
        event_count=len(page.documents),
        status=DeliveryStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        body=orjson.dumps(body),
    )
    await subscriptions.log_provided(
        session, client_id=subscription.client_id, request_id=delivery_id, operation=OPERATION, page=page
    )
    return await repository.delivery(session, subscription.subscription_id, delivery_id)


async def acknowledged(session: AsyncSession, delivery: Row[Any], *, now: datetime) -> None:
    """The receiver answered 2xx: never sent again, and the body (personal data) is not kept."""
    await repository.update_delivery(
        session,
        delivery.delivery_id,
        expected_status=DeliveryStatus.PENDING.value,
        status=DeliveryStatus.DELIVERED.value,
        attempts=delivery.attempts + 1,
        delivered_at=now,
        next_attempt_at=None,
        last_error=None,
        body=None,
    )


async def failed(
    session: AsyncSession,
    delivery: Row[Any],
    *,
    error: str,
    now: datetime,
    max_attempts: int,
    base_seconds: float,
    max_seconds: float,
) -> str:
    """An attempt failed: retried later with backoff, or dead once the attempts run out."""
    attempts = delivery.attempts + 1
    status, next_attempt_at = rules.after_failure(
        attempts, now=now, max_attempts=max_attempts, base_seconds=base_seconds, max_seconds=max_seconds
    )
    await repository.update_delivery(
        session,
        delivery.delivery_id,
        expected_status=DeliveryStatus.PENDING.value,
        status=status,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        last_error=error[:_ERROR_LENGTH],
    )
    return status


async def page(
    session: AsyncSession, subscription: Row[Any], *, status: DeliveryStatus | None, page: PageRequest
) -> dict[str, Any]:
    rows, token = await repository.page(
        session, subscription.subscription_id, status=status.value if status else None, page=page
    )
    return {"items": [document(row) for row in rows], "next_page_token": token}


async def replay(
    session: AsyncSession, subscription: Row[Any], delivery_id: str, *, now: datetime
) -> dict[str, Any]:
    """A dead delivery goes back to pending with fresh attempts, first in line."""
    delivery = await repository.delivery(session, subscription.subscription_id, delivery_id)
    if delivery is None:
        raise NotFound("The subscription has no delivery with this id.", slug="delivery-not-found")
    replayed = await repository.update_delivery(
        session,
        delivery_id,
        expected_status=DeliveryStatus.DEAD.value,
        status=DeliveryStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        last_error=None,
    )
    if not replayed:
        raise Conflict(
            f"The delivery is {delivery.status}: only a dead one can be replayed.", slug="delivery-not-dead"
        )
    row = await repository.delivery(session, subscription.subscription_id, delivery_id)
    assert row is not None
    return document(row)
