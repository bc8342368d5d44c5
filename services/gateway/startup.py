"""Start-up of the gateway: everything its state holds, built in order and closed on exit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from services.gateway import revocations
from services.gateway.identity import CallerIdentifier
from services.gateway.keys import KeyRing
from services.gateway.openapi import MergedOpenAPI
from services.gateway.proxy import Proxy
from services.gateway.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from services.gateway.settings import GatewaySettings
from services.gateway.state import SERVICE, GatewayState
from services.gateway.token_guard import TokenGuard, lockouts_for
from services.gateway.upstream import Upstream, UpstreamLimits
from shared.auth.revocations import RevocationCache
from shared.db.engine import Database, create_engine, resolve_database_url
from shared.web.tracing import trace_engine, trace_httpx


def _upstream_limits(settings: GatewaySettings) -> UpstreamLimits:
    return UpstreamLimits(
        connect_timeout=settings.upstream_connect_timeout,
        read_timeout=settings.upstream_read_timeout,
        idle_timeout=settings.upstream_idle_timeout,
        max_connections=settings.upstream_max_connections,
    )


def _database(settings: GatewaySettings) -> Database:
    database = Database(
        create_engine(
            resolve_database_url(SERVICE, settings.database_url),
            statement_cache_size=settings.db_statement_cache_size,
            pool_size=settings.db_pool_size,
        )
    )
    trace_engine(database.engine)
    return database


@asynccontextmanager
async def running_gateway(settings: GatewaySettings) -> AsyncIterator[GatewayState]:
    """Database, key ring, revocations, rate limiter and one pool per upstream, closed on exit."""
    database = _database(settings)
    http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0))
    trace_httpx(http)
    keyring = KeyRing(
        database,
        secret=settings.key_encryption_secret.get_secret_value(),
        token_ttl=settings.token_ttl_seconds,
        cache_seconds=settings.key_cache_seconds,
    )
    revoked = RevocationCache(
        revocations.DatabaseRevocationSource(database, token_ttl=settings.token_ttl_seconds),
        refresh_seconds=settings.revocations_refresh_seconds,
        max_age_seconds=settings.revocations_max_age_seconds,
    )
    limiter: RateLimiter = RedisRateLimiter(settings.redis_url) if settings.redis_url else MemoryRateLimiter()
    lockouts = lockouts_for(settings)
    urls = settings.upstream_urls()
    limits = _upstream_limits(settings)
    upstreams = {name: Upstream(name, url, limits) for name, url in urls.items()}
    proxy = Proxy(settings, upstreams, limiter, CallerIdentifier(keyring, settings.issuer, revoked))
    try:
        async with revoked.refreshing():
            yield GatewayState(
                settings=settings,
                database=database,
                http=http,
                keyring=keyring,
                revocations=revoked,
                upstream_urls=urls,
                merged_openapi=MergedOpenAPI(http, urls),
                proxy=proxy,
                client_addresses=proxy.addresses,
                token_guard=TokenGuard(settings, limiter, lockouts),
            )
    finally:
        for upstream in upstreams.values():
            await upstream.close()
        await limiter.close()
        await lockouts.close()
        await http.aclose()
        await database.dispose()
