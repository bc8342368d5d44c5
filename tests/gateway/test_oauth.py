"""The client-credentials token endpoint, JWKS, and key rotation."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from services.gateway import clients, keys
from services.gateway.app import create_app
from shared.db.engine import Database, create_engine
from tests.conftest import running
from tests.gateway.conftest import fetch_token, gateway_settings, service_verifier


async def test_token_for_valid_credentials(
    gateway: httpx.AsyncClient, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(scopes="registry:read registry:address")
    response = await gateway.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": issued.client_id,
            "client_secret": issued.client_secret,
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "registry:address registry:read"
    assert 0 < body["expires_in"] <= 900
    async with service_verifier(gateway, "registry") as verifier:
        principal = await verifier.verify(body["access_token"])
    assert principal.client_id == issued.client_id
    assert principal.scopes == {"registry:read", "registry:address"}
    async with service_verifier(gateway, "elections") as elections:
        with pytest.raises(Exception, match="not meant for the elections service"):
            await elections.verify(body["access_token"])


async def test_http_basic_authentication(gateway: httpx.AsyncClient, make_client: Callable[..., Any]) -> None:
    issued = await make_client()
    response = await gateway.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(issued.client_id, issued.client_secret),
    )
    assert response.status_code == 200


async def test_wrong_secret_and_unknown_client_look_the_same(
    gateway: httpx.AsyncClient, make_client: Callable[..., Any]
) -> None:
    issued = await make_client()
    wrong_secret = await gateway.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": issued.client_id, "client_secret": "nope"},
    )
    unknown_client = await gateway.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "nobody",
            "client_secret": issued.client_secret,
        },
    )
    for response in (wrong_secret, unknown_client):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
    assert wrong_secret.json()["error_description"] == unknown_client.json()["error_description"]


async def test_bad_basic_header_is_invalid_client(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic !!!"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ],
)
async def test_malformed_token_requests(
    gateway: httpx.AsyncClient, form: dict[str, str], status: int, error: str
) -> None:
    response = await gateway.post("/oauth/token", data=form)
    assert response.status_code == status
    assert response.json()["error"] == error


async def test_json_body_is_refused_as_invalid_request(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert response.status_code in {400, 415}


async def test_scope_beyond_the_client_is_refused(
    gateway: httpx.AsyncClient, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(scopes="registry:read")
    response = await gateway.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": issued.client_id,
            "client_secret": issued.client_secret,
            "scope": "registry:read registry:identity",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    narrower = await fetch_token(gateway, issued.client_id, issued.client_secret, scope="registry:read")
    assert jwt.decode(narrower, options={"verify_signature": False})["scope"] == "registry:read"


async def test_disabled_and_rotated_clients(
    gateway: httpx.AsyncClient, make_client: Callable[..., Any], gateway_db: str
) -> None:
    issued = await make_client()
    database = Database(create_engine(gateway_db))
    async with database.sessionmaker() as session:
        rotated = await clients.rotate_secret(session, issued.client_id)
        await session.commit()
    old = await gateway.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(issued.client_id, issued.client_secret),
    )
    assert old.status_code == 401
    await fetch_token(gateway, issued.client_id, rotated.client_secret)
    async with database.sessionmaker() as session:
        await clients.disable(session, issued.client_id)
        await session.commit()
    await database.dispose()
    disabled = await gateway.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(issued.client_id, rotated.client_secret),
    )
    assert disabled.status_code == 401


async def test_unknown_scope_cannot_be_granted(make_client: Callable[..., Any]) -> None:
    with pytest.raises(clients.ClientError, match="unknown scopes: registry:everything"):
        await make_client(scopes="registry:everything")


async def test_rotated_key_still_verifies_until_expiry(
    gateway_db: str, upstream_url: str, make_client: Callable[..., Any]
) -> None:
    issued = await make_client()
    gateway = create_app(gateway_settings(gateway_db, upstream_url, key_cache_seconds=0))
    async with running(gateway, lifespan_app=gateway.api) as client:
        before = await fetch_token(client, issued.client_id, issued.client_secret)
        database = Database(create_engine(gateway_db))
        async with database.sessionmaker() as session:
            new_kid = await keys.rotate(session, secret="development-key-encryption-secret", token_ttl=900)
            await session.commit()
        await database.dispose()
        after = await fetch_token(client, issued.client_id, issued.client_secret)
        assert jwt.get_unverified_header(after)["kid"] == new_kid
        assert jwt.get_unverified_header(before)["kid"] != new_kid
        jwks = (await client.get("/.well-known/jwks.json")).json()
        assert len(jwks["keys"]) == 2
        async with service_verifier(client, "registry") as verifier:
            assert (await verifier.verify(before)).client_id == issued.client_id
            assert (await verifier.verify(after)).client_id == issued.client_id


def test_basic_credentials_are_url_decoded() -> None:
    from services.gateway.oauth import _basic_credentials

    header = "Basic " + base64.b64encode(b"a%3Ab:s%20t").decode()
    assert _basic_credentials(header) == ("a:b", "s t")
