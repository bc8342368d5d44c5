"""The service says who it takes the caller to be: the token's client and scopes."""

from __future__ import annotations

import httpx

from tests.support.tokens import TokenFactory


async def test_the_caller_is_the_tokens_client(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await revitalization.get(
        "/revitalization/v1/caller", headers=tokens.headers("revitalization:review")
    )
    assert response.status_code == 200
    caller = response.json()
    assert caller["scopes"] == ["revitalization:review"]
    assert caller["client_id"]
