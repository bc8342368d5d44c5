"""A client's pseudonym domain is configured with the client and carried in every token it gets,
whatever scopes it asks for, so the registry shows it its own pseudonyms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from services.gateway import clients
from shared.auth.tokens import PSEUDONYM_DOMAIN_CLAIM
from tests.gateway.conftest import fetch_token


async def test_the_domain_is_in_every_token_of_the_client(
    gateway: httpx.AsyncClient, make_client: Callable[..., Any]
) -> None:
    issued = await make_client(scopes="registry:read registry:subscribe", pseudonym_domain="nenkin")
    for scope in (None, "registry:read"):
        token = await fetch_token(gateway, issued.client_id, issued.client_secret, scope)
        assert jwt.decode(token, options={"verify_signature": False})[PSEUDONYM_DOMAIN_CLAIM] == "nenkin"
    plain = await make_client(name="tax-office")
    token = await fetch_token(gateway, plain.client_id, plain.client_secret)
    assert PSEUDONYM_DOMAIN_CLAIM not in jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize("domain", ["", "Nenkin", "a b", "x" * 65, "年金"])
async def test_a_malformed_domain_is_refused(make_client: Callable[..., Any], domain: str) -> None:
    with pytest.raises(clients.ClientError):
        await make_client(pseudonym_domain=domain)
