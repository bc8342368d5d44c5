"""A service refuses the tokens the gateway's revocation document revokes, and every token once that
document is too old to trust."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest

from shared.auth.revocations import (
    DISABLED,
    HttpRevocationSource,
    Revocation,
    RevocationDocument,
    StaticRevocationSource,
    client_key,
    revoked_because,
)
from tests.conftest import running
from tests.shared.conftest import build_sample_app
from tests.shared.web.test_problems import assert_problem
from tests.support.tokens import TokenFactory, no_revocations

REFRESH_SECONDS = 0.1
MAX_AGE_SECONDS = 0.6
NOTES = "/sample/v1/notes"


def document(**clients: int | str) -> RevocationDocument:
    return RevocationDocument.model_validate(
        {
            "clients": {client_key(name): value for name, value in clients.items()},
            "generated_at": datetime.now(UTC),
        }
    )


class FlakySource:
    """The gateway's document, until the gateway cannot be reached."""

    def __init__(self, document: RevocationDocument | None = None) -> None:
        self.document = document
        self.fetches = 0

    async def fetch(self) -> RevocationDocument:
        self.fetches += 1
        if self.document is None:
            raise httpx.ConnectError("gateway unreachable")
        return self.document


@asynccontextmanager
async def service(
    sample_db: str, tokens: TokenFactory, source: StaticRevocationSource | FlakySource
) -> AsyncIterator[httpx.AsyncClient]:
    app = build_sample_app(
        sample_db,
        tokens,
        source,
        revocations_refresh_seconds=REFRESH_SECONDS,
        revocations_max_age_seconds=MAX_AGE_SECONDS,
    )
    async with running(app) as client:
        yield client


async def status_of(sample: httpx.AsyncClient, token: str) -> int:
    return (await sample.get(f"{NOTES}/1", headers=bearer(token))).status_code


async def within_a_refresh(sample: httpx.AsyncClient, token: str, status: int) -> None:
    """The token gets `status` within the refresh interval (and scheduling slack), not only eventually."""
    deadline = time.monotonic() + REFRESH_SECONDS + 0.4
    while await status_of(sample, token) != status:
        assert time.monotonic() < deadline, "not within the refresh interval"
        await asyncio.sleep(REFRESH_SECONDS / 5)


def read_token(tokens: TokenFactory, client_id: str = "pension-agency", issued_at: int | None = None) -> str:
    return tokens.token("sample:read", audience="sample", client_id=client_id, issued_at=issued_at)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_disabled_clients_token_is_refused_within_a_refresh(
    sample_db: str, tokens: TokenFactory
) -> None:
    source = no_revocations()
    token = read_token(tokens)
    async with service(sample_db, tokens, source) as sample:
        assert await status_of(sample, token) == 404
        source.document = document(**{"pension-agency": DISABLED})
        await within_a_refresh(sample, token, 401)
        response = await sample.get(f"{NOTES}/1", headers=bearer(token))
        body = assert_problem(response, 401, "token-revoked")
        assert body["detail"] == "The client of this token has been disabled."
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        # Public reads still refuse a revoked token rather than serve it as anonymous.
        assert_problem(await sample.get(NOTES, headers=bearer(token)), 401, "token-revoked")
        other = read_token(tokens, client_id="tax-agency")
        assert await status_of(sample, other) == 404


async def test_rotation_refuses_tokens_issued_before_it_and_accepts_later_ones(
    sample_db: str, tokens: TokenFactory
) -> None:
    source = no_revocations()
    rotated_at = int(time.time())
    before = read_token(tokens, issued_at=rotated_at - 1)
    after = read_token(tokens, issued_at=rotated_at)
    async with service(sample_db, tokens, source) as sample:
        assert await status_of(sample, before) == 404
        source.document = document(**{"pension-agency": rotated_at})
        await within_a_refresh(sample, before, 401)
        body = assert_problem(await sample.get(f"{NOTES}/1", headers=bearer(before)), 401, "token-revoked")
        assert "rotated" in str(body["detail"])
        assert await status_of(sample, after) == 404


async def test_a_document_older_than_the_bound_refuses_every_token(
    sample_db: str, tokens: TokenFactory
) -> None:
    source = FlakySource(document())
    token = read_token(tokens)
    async with service(sample_db, tokens, source) as sample:
        assert await status_of(sample, token) == 404
        source.document = None
        unreachable_since = time.monotonic()
        # Within the bound the last document still holds: a blip at the gateway stops nobody.
        await asyncio.sleep(MAX_AGE_SECONDS / 2)
        assert await status_of(sample, token) == 404
        await asyncio.sleep(MAX_AGE_SECONDS - (time.monotonic() - unreachable_since) + REFRESH_SECONDS)
        response = await sample.get(f"{NOTES}/1", headers=bearer(token))
        assert_problem(response, 503, "revocations-unavailable")
        assert int(response.headers["retry-after"]) >= 1
        assert (await sample.get(NOTES)).status_code == 200, "a read without a token needs no revocations"
        source.document = document()
        await within_a_refresh(sample, token, 404)


async def test_before_the_first_document_a_token_waits_for_one_fetch(
    sample_db: str, tokens: TokenFactory
) -> None:
    source = FlakySource()
    token = read_token(tokens)
    async with service(sample_db, tokens, source) as sample:
        assert_problem(await sample.get(f"{NOTES}/1", headers=bearer(token)), 503, "revocations-unavailable")
        source.document = document()
        fetches = source.fetches
        # The gateway came up after the service: the next token asks at once, not at the next refresh.
        assert await status_of(sample, token) == 404
        assert source.fetches == fetches + 1


async def test_the_http_source_revalidates_with_the_etag() -> None:
    served = document(**{"pension-agency": DISABLED}).model_dump_json()
    seen: list[str | None] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == 'W/"v1"':
            return httpx.Response(304, headers={"ETag": 'W/"v1"'})
        return httpx.Response(200, content=served, headers={"ETag": 'W/"v1"'})

    async with httpx.AsyncClient(transport=httpx.MockTransport(gateway)) as client:
        source = HttpRevocationSource("http://gateway/.well-known/revocations.json", client)
        first = await source.fetch()
        second = await source.fetch()
    assert seen == [None, 'W/"v1"']
    assert first == second
    assert first.clients == {client_key("pension-agency"): DISABLED}


async def test_the_http_source_fails_on_an_error_answer() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(503))) as client:
        with pytest.raises(httpx.HTTPStatusError):
            await HttpRevocationSource("http://gateway/.well-known/revocations.json", client).fetch()


@pytest.mark.parametrize(
    ("revocation", "issued_at", "revoked"),
    [
        (None, 100, False),
        (DISABLED, 10**10, True),
        (100, 99, True),
        (100, 100, False),
        (100, 101, False),
    ],
)
def test_what_a_revocation_refuses(revocation: Revocation | None, issued_at: int, revoked: bool) -> None:
    assert (revoked_because(revocation, issued_at) is not None) is revoked
