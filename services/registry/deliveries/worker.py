"""The deliverer: a process of its own (`python -m services.registry deliver`) that pushes each
subscription's events to its webhook, so a slow receiver never slows the register.

Every `REGISTRY_DELIVER_POLL_SECONDS` it serves each subscription with a webhook (at most
`REGISTRY_DELIVER_CONCURRENCY` at once): it takes the subscription's lease (one deliverer per
subscription, however many run), attempts the oldest pending delivery if it is due, else builds
the next one from the outbox, and goes on while the receiver acknowledges. A delivery is signed as
Standard Webhooks (`webhook-id` = the delivery id, the same on every attempt; `webhook-timestamp`;
`webhook-signature` v1 HMAC-SHA256 of "id.timestamp.body" under the subscription's `whsec_`
secret). A 2xx marks it delivered and it is never sent again; anything else is retried with
exponential backoff, and after `REGISTRY_DELIVER_MAX_ATTEMPTS` it is dead (the dead-letter list,
which the client can replay). A crash between a receiver's 2xx and its recording would send that
delivery once more: receivers deduplicate on `webhook-id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from datetime import datetime
from ipaddress import ip_address
from typing import Any

import httpx
import structlog
from sqlalchemy import Row
from standardwebhooks.webhooks import Webhook

from services.registry.deliveries import rules, service
from services.registry.deliveries.secrets import WebhookSecrets
from services.registry.pseudonyms.codec import PseudonymCodec
from services.registry.settings import RegistrySettings
from services.registry.subscriptions import service as subscriptions
from shared.db.engine import Database, create_engine, resolve_database_url
from shared.values import utc_now

log = structlog.get_logger("jichi.registry.deliveries")
_LEASE_MARGIN_SECONDS = 30.0


class Deliverer:
    def __init__(self, database: Database, settings: RegistrySettings, http: httpx.AsyncClient) -> None:
        self.database = database
        self.settings = settings
        self.http = http
        self.codec = PseudonymCodec(settings.pseudonym_key.get_secret_value())
        self.secrets = WebhookSecrets(settings.webhook_secret_key.get_secret_value())
        self._lease_seconds = settings.deliver_timeout_seconds + _LEASE_MARGIN_SECONDS
        self._stop = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve every subscription, again and again, until `stop` is set (then each subscription
        stops after the attempt under way, its outcome recorded and its lease released)."""
        self._stop = stop
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as error:
                log.warning("deliveries_round_failed", error=type(error).__name__, detail=str(error)[:200])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.deliver_poll_seconds)

    async def run_once(self) -> int:
        """One round over the subscriptions with a webhook; the number of attempts made."""
        async with self.database.sessionmaker() as session:
            ids = await subscriptions.with_webhooks(session)
        limit = asyncio.Semaphore(self.settings.deliver_concurrency)

        async def serve(subscription_id: str) -> int:
            async with limit:
                return await self.serve(subscription_id)

        return sum(await asyncio.gather(*(serve(subscription_id) for subscription_id in ids)))

    async def serve(self, subscription_id: str) -> int:
        """Deliver what the subscription is owed while its receiver acknowledges."""
        if not await self._claim(subscription_id):
            return 0
        attempts = 0
        try:
            while True:
                owed = await self._next(subscription_id)
                if owed is None:
                    return attempts
                subscription, delivery = owed
                attempts += 1
                if not await self._attempt(subscription, delivery) or self._stop.is_set():
                    return attempts
                await self._renew(subscription_id)
        finally:
            async with self.database.sessionmaker() as session:
                await subscriptions.release(session, subscription_id)
                await session.commit()

    async def _claim(self, subscription_id: str) -> bool:
        """Take the subscription's lease, unless another deliverer holds it."""
        async with self.database.sessionmaker() as session:
            claimed = await subscriptions.claim(
                session, subscription_id, now=utc_now(), seconds=self._lease_seconds
            )
            await session.commit()
            return claimed

    async def _renew(self, subscription_id: str) -> None:
        async with self.database.sessionmaker() as session:
            await subscriptions.renew(session, subscription_id, now=utc_now(), seconds=self._lease_seconds)
            await session.commit()

    async def _next(self, subscription_id: str) -> tuple[Row[Any], Row[Any]] | None:
        async with self.database.sessionmaker() as session:
            subscription = await subscriptions.get(session, subscription_id)
            if subscription is None or subscription.webhook_url is None:
                return None
            delivery = await service.next_owed(
                session,
                subscription,
                now=utc_now(),
                codec=self.codec,
                batch_events=self.settings.deliver_batch_events,
            )
            await session.commit()
            return (subscription, delivery) if delivery is not None else None

    async def _attempt(self, subscription: Row[Any], delivery: Row[Any]) -> bool:
        """Send the delivery once and record what became of it; True if it was acknowledged."""
        error = await self._send(subscription, delivery)
        now = utc_now()
        async with self.database.sessionmaker() as session:
            if error is None:
                await service.acknowledged(session, delivery, now=now)
            else:
                status = await service.failed(
                    session,
                    delivery,
                    error=error,
                    now=now,
                    max_attempts=self.settings.deliver_max_attempts,
                    base_seconds=self.settings.deliver_retry_base_seconds,
                    max_seconds=self.settings.deliver_retry_max_seconds,
                )
                log.info(
                    "delivery_failed",
                    subscription_id=subscription.subscription_id,
                    delivery_id=delivery.delivery_id,
                    status=status,
                    error=error,
                )
            await session.commit()
        return error is None

    async def _send(self, subscription: Row[Any], delivery: Row[Any]) -> str | None:
        """POST the signed body; None if the receiver acknowledged, else what went wrong."""
        refused = await self._refused_destination(subscription.webhook_url)
        if refused is not None:
            return refused
        headers = signed_headers(
            self.secrets.open(subscription.webhook_secret), delivery.delivery_id, utc_now(), delivery.body
        )
        try:
            response = await self.http.post(
                subscription.webhook_url,
                content=delivery.body,
                headers=headers,
                timeout=self.settings.deliver_timeout_seconds,
            )
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as error:
            return f"{type(error).__name__}"
        if rules.acknowledged(response.status_code):
            return None
        return f"HTTP {response.status_code}"

    async def _refused_destination(self, webhook_url: str) -> str | None:
        """Why the webhook may not be posted to now, or None: every address its host resolves to
        must be public (a name may have come to resolve inside the network since it was registered).
        The network policy of a deployment closes the same ranges to the deliverer below this."""
        if self.settings.webhook_private_addresses_allowed:
            return None
        url = httpx.URL(webhook_url)
        refused = rules.refused_host(url.host)
        if refused is not None:
            return f"webhook host refused: {refused}"
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                url.host, url.port or (443 if url.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except OSError:
            return "webhook host not found"
        for *_, sockaddr in found:
            if not rules.is_public_address(ip_address(sockaddr[0])):
                return "webhook host resolves to an address that is not public"
        return None


def signed_headers(secret: str, delivery_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (signed by the maintained `standardwebhooks`)."""
    return {
        "content-type": "application/json",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, at, body),
    }


async def run_deliverer(settings: RegistrySettings) -> None:
    """The `deliver` command: until SIGINT or SIGTERM."""
    database = Database(
        create_engine(
            resolve_database_url("registry", settings.database_url), pool_size=settings.deliver_concurrency
        )
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    limits = httpx.Limits(max_connections=settings.deliver_concurrency * 2)
    try:
        async with httpx.AsyncClient(limits=limits, follow_redirects=False) as http:
            log.info("deliverer_started")
            await Deliverer(database, settings, http).run(stop)
    finally:
        await database.dispose()
