"""Token verification: missing, malformed, expired, forged, wrong audience, wrong issuer, wrong scope."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth.tokens import Principal, TokenVerifier
from tests.shared.web.test_problems import assert_problem
from tests.support.tokens import TokenFactory, refreshed_revocations

NOTE = {"municipality": "131016", "body": "hello"}


async def test_no_token_is_401_with_challenge(sample: httpx.AsyncClient) -> None:
    response = await sample.post("/sample/v1/notes", json=NOTE)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    ", "token-without-scheme"])
async def test_malformed_authorization_is_401(sample: httpx.AsyncClient, header: str) -> None:
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": header})
    assert_problem(response, 401, "invalid-token")


async def test_garbage_token_is_401(sample: httpx.AsyncClient) -> None:
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": "Bearer not.a.jwt"})
    assert_problem(response, 401, "invalid-token")


async def test_expired_token_is_401(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = tokens.token("sample:write", audience="sample", expires_in=-60)
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 401, "invalid-token")
    assert "expired" in str(body["detail"])


async def test_forged_signature_is_401(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    forged = tokens.token("sample:write", audience="sample", key=Ed25519PrivateKey.generate())
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": f"Bearer {forged}"})
    assert_problem(response, 401, "invalid-token")


async def test_unknown_key_id_is_401(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = tokens.token("sample:write", audience="sample", kid="someone-elses-key")
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401, "invalid-token")


async def test_wrong_audience_is_401(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = tokens.token("sample:write", audience="registry")
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 401, "invalid-token")
    assert "sample" in str(body["detail"])


async def test_wrong_issuer_is_401(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = tokens.token("sample:write", audience="sample", issuer="someone-else")
    response = await sample.post("/sample/v1/notes", json=NOTE, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401, "invalid-token")


async def test_missing_scope_is_403_and_writes_nothing(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await sample.post(
        "/sample/v1/notes", json=NOTE, headers=tokens.headers("sample:read", audience="sample")
    )
    body = assert_problem(response, 403, "insufficient-scope")
    assert body["missing_scopes"] == ["sample:write"]
    assert 'scope="sample:write"' in response.headers["www-authenticate"]
    assert (await sample.get("/sample/v1/notes")).json()["items"] == []


async def test_anonymous_read_is_allowed_where_declared(sample: httpx.AsyncClient) -> None:
    assert (await sample.get("/sample/v1/notes")).status_code == 200


async def test_bad_token_on_anonymous_endpoint_is_still_401(sample: httpx.AsyncClient) -> None:
    response = await sample.get("/sample/v1/notes", headers={"Authorization": "Bearer nonsense"})
    assert_problem(response, 401, "invalid-token")


async def test_key_rotation_is_picked_up_on_unknown_kid(sample_db: str) -> None:
    from shared.auth.tokens import TokenVerifier

    old, new = TokenFactory("old"), TokenFactory("new")

    class RotatingSource:
        def __init__(self) -> None:
            self.current = old.jwks()
            self.fetches = 0

        async def fetch(self) -> dict[str, object]:
            self.fetches += 1
            return self.current

    source = RotatingSource()
    verifier = TokenVerifier(
        source,
        revocations=await refreshed_revocations(),
        issuer="jichi-gateway",
        audience="sample",
        min_refresh_interval=0,
    )
    assert (await verifier.verify(old.token("sample:read", audience="sample"))).client_id == "test-client"
    source.current = {"keys": old.jwks()["keys"] + new.jwks()["keys"]}
    principal = await verifier.verify(new.token("sample:read", audience="sample"))
    assert principal.scopes == frozenset({"sample:read"})
    assert source.fetches == 2


async def test_the_token_is_verified_once_however_many_dependencies_ask(
    sample: httpx.AsyncClient, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The idempotent write asks for the caller without scopes, the route with sample:write.
    verified: list[str] = []
    verify = TokenVerifier.verify

    async def counted(self: TokenVerifier, token: str) -> Principal:
        verified.append(token)
        return await verify(self, token)

    monkeypatch.setattr(TokenVerifier, "verify", counted)
    headers = {**tokens.headers("sample:write", audience="sample"), "Idempotency-Key": "once"}
    response = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    assert response.status_code == 201, response.text
    assert len(verified) == 1
