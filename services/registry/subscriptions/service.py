"""Subscriptions: creating one, adding and removing watched residents in bulk, and the pull feed
of their events (the change feed filtered to the members, shown as the subscriber may see it)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import service as accesslog
from services.registry.accesslog.entries import Provision
from services.registry.accesslog.service import Provided
from services.registry.deliveries import rules as delivery_rules
from services.registry.deliveries.secrets import WebhookSecrets
from services.registry.feed import service as feed
from services.registry.pseudonyms.codec import Identifiers, UnknownPseudonym
from services.registry.pseudonyms.verification import invalid_resident_id
from services.registry.residents.views import Visibility
from services.registry.subscriptions import repository
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    MAX_SUBSCRIPTIONS_PER_CLIENT,
    SubscriptionIn,
    SubscriptionMember,
)
from shared.values import to_rfc3339, utc_now
from shared.values.resident_code import is_valid_resident_code
from shared.web.problems import Conflict, NotFound, UnprocessableContent
from shared.web.purpose import REGISTERED_PURPOSES, decode_purpose

SCAN_WINDOW = 100_000
"""Feed positions one page (or one delivery) scans at most: a subscription whose residents are
quiet still advances its cursor by this much per read instead of scanning the whole feed."""


@dataclass(frozen=True, slots=True)
class EventsPage:
    documents: list[dict[str, Any]]
    next_cursor: int
    has_more: bool
    provided: dict[str, list[Provided]]
    """What the page provides, by the purpose the residents are watched for."""


def not_found() -> NotFound:
    return NotFound("No such subscription of this client.", slug="subscription-not-found")


def document(row: Row[Any]) -> dict[str, Any]:
    return {
        "subscription_id": row.subscription_id,
        "name": row.name,
        "webhook_url": row.webhook_url,
        "pseudonymous": row.pseudonym_domain is not None,
        "created_at": to_rfc3339(row.created_at),
    }


async def create(
    session: AsyncSession,
    *,
    principal: Principal,
    body: SubscriptionIn,
    secrets: WebhookSecrets,
    private_addresses_allowed: bool,
) -> dict[str, Any]:
    """A new subscription; its webhook secret, if it has a webhook, is in this answer only."""
    if body.webhook_url is not None and not private_addresses_allowed:
        refused = delivery_rules.refused_host(httpx.URL(body.webhook_url).host)
        if refused is not None:
            raise UnprocessableContent(
                f"A webhook must point at the public internet; its host is {refused}.",
                slug="webhook-address-not-allowed",
            )
    if await repository.count_of_client(session, principal.client_id) >= MAX_SUBSCRIPTIONS_PER_CLIENT:
        raise Conflict(
            f"A client may hold at most {MAX_SUBSCRIPTIONS_PER_CLIENT} subscriptions.",
            slug="too-many-subscriptions",
        )
    secret = secrets.new() if body.webhook_url is not None else None
    subscription_id = uuid.uuid4().hex
    values = {
        "subscription_id": subscription_id,
        "client_id": principal.client_id,
        "name": body.name,
        "scopes": " ".join(sorted(scope for scope in principal.scopes if scope.startswith("registry:"))),
        "pseudonym_domain": principal.pseudonym_domain,
        "webhook_url": body.webhook_url,
        "webhook_secret": secrets.seal(secret) if secret is not None else None,
        # Deliveries start with the events recorded from now on; the pull feed can go back.
        "delivery_cursor": await feed.head(session),
        "created_at": utc_now(),
    }
    await repository.insert_subscription(session, **values)
    row = await repository.subscription(session, subscription_id)
    assert row is not None
    return {**document(row), "webhook_secret": secret}


async def owned(session: AsyncSession, subscription_id: str, principal: Principal) -> Row[Any]:
    """The caller's subscription; another client's is not found, like a missing one."""
    row = await repository.subscription(session, subscription_id)
    if row is None or row.client_id != principal.client_id:
        raise not_found()
    return row


def _resident_codes(identifiers: Identifiers, resident_ids: Sequence[str], field: str) -> list[str]:
    codes = []
    for index, resident_id in enumerate(resident_ids):
        try:
            code = identifiers.resident_code(resident_id)
        except UnknownPseudonym:
            raise invalid_resident_id(f"{field}/{index}") from None
        if not identifiers.pseudonymous and not (code.isdigit() and is_valid_resident_code(code)):
            raise invalid_resident_id(f"{field}/{index}")
        codes.append(code)
    return codes


async def add_members(
    session: AsyncSession,
    *,
    subscription: Row[Any],
    items: Sequence[SubscriptionMember],
    identifiers: Identifiers,
) -> int:
    for index, item in enumerate(items):
        if item.purpose not in REGISTERED_PURPOSES:
            raise UnprocessableContent(
                f"items/{index}/purpose is not a registered purpose code.", slug="unknown-purpose"
            )
    codes = _resident_codes(identifiers, [item.resident_id for item in items], "items")
    purposes = {code: item.purpose for code, item in zip(codes, items, strict=True)}  # the last wins
    await repository.upsert_members(session, subscription.subscription_id, purposes, utc_now())
    return len(purposes)


async def remove_members(
    session: AsyncSession, *, subscription: Row[Any], resident_ids: Sequence[str], identifiers: Identifiers
) -> int:
    codes = sorted(set(_resident_codes(identifiers, resident_ids, "resident_ids")))
    return await repository.delete_members(session, subscription.subscription_id, codes)


def _rename(document: dict[str, Any], identifiers: Identifiers, purpose: str) -> dict[str, Any]:
    identifiers.rename(document)
    document["purpose"] = purpose
    return document


async def watched_events(
    session: AsyncSession,
    *,
    subscription_id: str,
    after: int,
    limit: int,
    visibility: Visibility,
    identifiers: Identifiers,
) -> EventsPage:
    """The members' events after `after`, as the subscriber may see them."""
    head = await feed.head(session)
    through = min(head, after + SCAN_WINDOW)
    rows = await repository.watched_events(
        session, subscription_id, after=after, through=through, limit=limit
    )
    documents = []
    provided: dict[str, list[Provided]] = defaultdict(list)
    for row in rows:
        event, items = feed.event_document(row._mapping, visibility=visibility, protected=row.protected)
        documents.append(_rename(event, identifiers, row.purpose))
        provided[row.purpose].append(Provided(row.resident_code, items))
    next_cursor = rows[-1].sequence if len(rows) == limit else max(through, after)
    return EventsPage(documents, next_cursor, next_cursor < head, dict(provided))


async def log_provided(
    session: AsyncSession, *, client_id: str, request_id: str, operation: str, page: EventsPage
) -> None:
    """One access-log entry per event provided, under the purpose its resident is watched for."""
    for purpose, provided in page.provided.items():
        provision = Provision(client_id=client_id, purpose=decode_purpose(purpose), request_id=request_id)
        await accesslog.record(session, provision=provision, operation=operation, provided=provided)


async def events_page(
    session: AsyncSession,
    *,
    subscription: Row[Any],
    after: int,
    limit: int,
    principal: Principal,
    identifiers: Identifiers,
    request_id: str,
) -> dict[str, Any]:
    page = await watched_events(
        session,
        subscription_id=subscription.subscription_id,
        after=after,
        limit=limit,
        visibility=Visibility.of(principal.scopes),
        identifiers=identifiers,
    )
    await log_provided(
        session,
        client_id=principal.client_id,
        request_id=request_id,
        operation="list_subscription_events",
        page=page,
    )
    return {"items": page.documents, "next_cursor": page.next_cursor, "has_more": page.has_more}


async def move_cursor(session: AsyncSession, subscription_id: str, cursor: int) -> None:
    await repository.set_delivery_cursor(session, subscription_id, cursor)


async def get(session: AsyncSession, subscription_id: str) -> Row[Any] | None:
    return await repository.subscription(session, subscription_id)


async def with_webhooks(session: AsyncSession) -> list[str]:
    return await repository.with_webhooks(session)


async def claim(session: AsyncSession, subscription_id: str, *, now: datetime, seconds: float) -> bool:
    return await repository.claim(session, subscription_id, now=now, until=now + timedelta(seconds=seconds))


async def renew(session: AsyncSession, subscription_id: str, *, now: datetime, seconds: float) -> None:
    await repository.set_lease(session, subscription_id, now + timedelta(seconds=seconds))


async def release(session: AsyncSession, subscription_id: str) -> None:
    await repository.set_lease(session, subscription_id, None)
