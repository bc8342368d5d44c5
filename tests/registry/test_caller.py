"""The service says who it takes the caller to be: the token's client and scopes."""

from __future__ import annotations

import httpx

from tests.support.tokens import TokenFactory


async def test_the_caller_is_the_tokens_client(registry: httpx.AsyncClient, tokens: TokenFactory) -> None:
    response = await registry.get("/registry/v1/caller", headers=tokens.headers("registry:read"))
    assert response.status_code == 200
    caller = response.json()
    assert caller["scopes"] == ["registry:read"]
    assert caller["client_id"]
