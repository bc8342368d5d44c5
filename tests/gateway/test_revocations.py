"""Disabling a client or rotating its secret stops its tokens within seconds: in the revocation
document the gateway publishes, at the services that read it, and in the gateway's own caller
identification."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.gateway import clients, repository, tables
from services.gateway.keys import CLOCK_SKEW
from shared.auth.tokens import TokenVerifier
from shared.db.engine import Database, create_engine
from shared.web.problems import Problem
from tests.gateway.conftest import (
    SERVICE_REFRESH_SECONDS,
    GatewayFactory,
    fetch_token,
    service_verifier,
)
from tests.shared.web.test_problems import assert_problem
from tests.support.databases import empty_tables

GATEWAY_REFRESH_SECONDS = 0.1
DOCUMENT = "/.well-known/revocations.json"
ClientChange = Callable[[str], Awaitable[Any]]


@pytest.fixture
async def gateway_database(gateway_db: str) -> AsyncIterator[Database]:
    database = Database(create_engine(gateway_db))
    yield database
    await database.dispose()
    await empty_tables(gateway_db, tables.metadata)


@pytest.fixture
def disable(gateway_database: Database) -> ClientChange:
    """What `python -m services.gateway clients disable` does: a change in the database only."""

    async def change(client_id: str) -> None:
        async with gateway_database.sessionmaker() as session:
            await clients.disable(session, client_id)
            await session.commit()

    return change


@pytest.fixture
def rotate(gateway_database: Database) -> ClientChange:
    async def change(client_id: str) -> clients.IssuedCredentials:
        async with gateway_database.sessionmaker() as session:
            issued = await clients.rotate_secret(session, client_id)
            await session.commit()
        return issued

    return change


def key_of(client_id: str) -> str:
    return hashlib.sha256(client_id.encode()).hexdigest()


async def within(seconds: float, check: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        await asyncio.sleep(0.02)


async def refused_within_the_refreshes(verifier: TokenVerifier, token: str) -> None:
    """Refused once the gateway's copy and then the service's have been refreshed, not only eventually."""

    async def refused() -> bool:
        try:
            await verifier.verify(token)
        except Problem as problem:
            return problem.problem_slug == "token-revoked"
        return False

    # Slack for a loaded machine (a test run beside other work took more than 0.5 s for the two
    # refreshes' round trips); still less than the 6 s of the production periods (1 s and 5 s).
    await within(GATEWAY_REFRESH_SECONDS + SERVICE_REFRESH_SECONDS + 3.0, refused)


async def proxied_statuses(gateway: httpx.AsyncClient, token: str, count: int) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    return [(await gateway.get("/registry/v1/echo", headers=headers)).status_code for _ in range(count)]


def strict_gateway(gateway_factory: GatewayFactory) -> Any:
    """A caller the gateway does not identify shares its address's budget: two requests."""
    return gateway_factory(
        revocations_refresh_seconds=GATEWAY_REFRESH_SECONDS,
        anonymous_rate_limit_per_second=0.01,
        anonymous_rate_limit_burst=2,
    )


async def test_a_disabled_clients_token_stops_at_the_services_and_the_gateway(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any], disable: ClientChange
) -> None:
    issued = await make_client()
    async with strict_gateway(gateway_factory) as gateway:
        token = await fetch_token(gateway, issued.client_id, issued.client_secret)
        async with service_verifier(gateway, "registry") as service:
            assert (await service.verify(token)).client_id == issued.client_id
            assert await proxied_statuses(gateway, token, 4) == [200] * 4

            await disable(issued.client_id)

            await refused_within_the_refreshes(service, token)
            # Identification refuses it too: the token now counts under the caller's address.
            assert await proxied_statuses(gateway, token, 3) == [200, 200, 429]


async def test_rotation_stops_earlier_tokens_and_a_token_issued_right_after_works(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any], rotate: ClientChange
) -> None:
    issued = await make_client()
    async with strict_gateway(gateway_factory) as gateway:
        before = await fetch_token(gateway, issued.client_id, issued.client_secret)
        async with service_verifier(gateway, "registry") as service:
            assert (await service.verify(before)).client_id == issued.client_id

            rotated = await rotate(issued.client_id)
            after = await fetch_token(gateway, issued.client_id, rotated.client_secret)

            await refused_within_the_refreshes(service, before)
            assert (await service.verify(after)).client_id == issued.client_id
            assert await proxied_statuses(gateway, before, 3) == [200, 200, 429]
            assert await proxied_statuses(gateway, after, 4) == [200] * 4


async def test_a_client_rotated_this_second_gets_its_token_in_the_next(
    gateway_database: Database, make_client: Callable[..., Any], rotate: ClientChange
) -> None:
    """`iat` is in whole seconds: a token signed in the second of the rotation would read as older."""
    issued = await make_client()
    await asyncio.sleep(1 - time.time() % 1)
    rotated = await rotate(issued.client_id)
    async with gateway_database.sessionmaker() as session:
        assert await clients.authenticate(session, issued.client_id, rotated.client_secret) is not None
        row = await repository.client_by_id(session, issued.client_id)
    assert row is not None
    assert int(time.time()) >= clients.not_before(row.tokens_valid_after)


async def test_the_document_names_no_client_and_holds_no_secret(
    gateway_factory: GatewayFactory,
    make_client: Callable[..., Any],
    disable: ClientChange,
    rotate: ClientChange,
) -> None:
    disabled = await make_client(name="disabled-agency")
    rotated = await make_client(name="rotated-agency")
    untouched = await make_client(name="untouched-agency")
    async with gateway_factory(revocations_refresh_seconds=GATEWAY_REFRESH_SECONDS) as gateway:
        await disable(disabled.client_id)
        new_secret = (await rotate(rotated.client_id)).client_secret

        async def both_listed() -> bool:
            return len((await gateway.get(DOCUMENT)).json()["clients"]) == 2

        await within(GATEWAY_REFRESH_SECONDS + 0.5, both_listed)
        response = await gateway.get(DOCUMENT)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.headers["cache-control"] == "no-cache"
        body = response.json()
        assert set(body) == {"clients", "generated_at"}
        assert body["clients"][key_of(disabled.client_id)] == "disabled"
        assert abs(body["clients"][key_of(rotated.client_id)] - time.time()) < 5
        assert key_of(untouched.client_id) not in body["clients"]
        for issued in (disabled, rotated, untouched):
            assert issued.client_id not in response.text
            assert issued.client_secret not in response.text
        assert new_secret not in response.text
        assert "agency" not in response.text
        assert "$argon2" not in response.text


async def test_an_unchanged_document_costs_a_304(
    gateway_factory: GatewayFactory, make_client: Callable[..., Any], disable: ClientChange
) -> None:
    issued = await make_client()
    async with gateway_factory(revocations_refresh_seconds=GATEWAY_REFRESH_SECONDS) as gateway:
        first = await gateway.get(DOCUMENT)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        await asyncio.sleep(GATEWAY_REFRESH_SECONDS * 3)
        unchanged = await gateway.get(DOCUMENT, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged.headers["etag"] == etag
        # If-None-Match compares weakly (RFC 9110 13.1.2): the tag without W/, in a list, or "*".
        for sent in (etag.removeprefix("W/"), f'"other", {etag}', "*"):
            assert (await gateway.get(DOCUMENT, headers={"If-None-Match": sent})).status_code == 304

        await disable(issued.client_id)

        async def changed() -> bool:
            return (await gateway.get(DOCUMENT, headers={"If-None-Match": etag})).status_code == 200

        await within(GATEWAY_REFRESH_SECONDS + 0.5, changed)


async def test_a_gateway_that_cannot_read_its_database_publishes_no_document(
    gateway_factory: GatewayFactory,
) -> None:
    async with gateway_factory(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none") as gateway:
        assert_problem(await gateway.get(DOCUMENT), 503, "revocations-unavailable")


async def test_a_revocation_is_published_until_every_token_it_refuses_has_expired(
    gateway_database: Database, make_client: Callable[..., Any], rotate: ClientChange
) -> None:
    issued = await make_client()
    await rotate(issued.client_id)
    rotated_at = datetime.now(UTC)
    ttl = 900

    async def listed(now: datetime) -> bool:
        async with gateway_database.sessionmaker() as session:
            document = await clients.revocation_document(
                session, now=now, token_ttl=ttl, clock_skew=CLOCK_SKEW
            )
        return key_of(issued.client_id) in document.clients

    last_token_expires = rotated_at + timedelta(seconds=ttl) + CLOCK_SKEW
    assert await listed(last_token_expires - timedelta(seconds=5))
    assert not await listed(last_token_expires + timedelta(seconds=5))
