"""Keyset pages: stable, complete, bounded; tokens cannot be forged or moved to another query."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from shared.settings import ServiceSettings
from shared.web.pagination import MAX_PAGE_SIZE, PageTokenCodec, _b64, query_fingerprint
from shared.web.problems import BadRequest
from tests.shared.web.sample_app import notes
from tests.shared.web.test_problems import assert_problem
from tests.support.tokens import TokenFactory


async def add_notes(client: httpx.AsyncClient, tokens: TokenFactory, count: int, municipality: str) -> None:
    headers = tokens.headers("sample:write", audience="sample")
    for index in range(count):
        response = await client.post(
            "/sample/v1/notes", json={"municipality": municipality, "body": f"n{index}"}, headers=headers
        )
        assert response.status_code == 201


async def test_pages_cover_every_row_once(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    await add_notes(sample, tokens, 7, "131016")
    seen: list[int] = []
    url = "/sample/v1/notes?page_size=3"
    token = None
    pages = 0
    while True:
        response = await sample.get(url + (f"&page_token={token}" if token else ""))
        assert response.status_code == 200
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        token = body["next_page_token"]
        if token is None:
            break
    assert pages == 3
    assert seen == sorted(seen)
    assert len(set(seen)) == 7


async def test_rows_added_meanwhile_do_not_shift_pages(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    await add_notes(sample, tokens, 4, "131016")
    first = (await sample.get("/sample/v1/notes?page_size=2")).json()
    await add_notes(sample, tokens, 2, "131016")
    second = (await sample.get(f"/sample/v1/notes?page_size=2&page_token={first['next_page_token']}")).json()
    assert [i["id"] for i in second["items"]] == [first["items"][-1]["id"] + 1, first["items"][-1]["id"] + 2]


async def test_huge_page_size_is_refused(sample: httpx.AsyncClient) -> None:
    response = await sample.get(f"/sample/v1/notes?page_size={MAX_PAGE_SIZE + 1}")
    assert_problem(response, 422, "validation-failed")
    response = await sample.get("/sample/v1/notes?page_size=99999999999999999999999")
    assert_problem(response, 422, "validation-failed")


@pytest.mark.parametrize("token", ["garbage", "a.b", "....", "eyJxIjoiIn0.AAAA", "%E2%80%AE"])
async def test_forged_page_token_is_400(sample: httpx.AsyncClient, token: str) -> None:
    assert_problem(await sample.get(f"/sample/v1/notes?page_token={token}"), 400, "invalid-page-token")


async def test_token_of_another_query_is_400(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    await add_notes(sample, tokens, 3, "131016")
    token = (await sample.get("/sample/v1/notes?page_size=1")).json()["next_page_token"]
    response = await sample.get(f"/sample/v1/notes?page_size=1&municipality=131016&page_token={token}")
    assert_problem(response, 400, "invalid-page-token")


def test_token_signed_with_another_secret_is_refused() -> None:
    fingerprint = query_fingerprint("list_notes")
    token = PageTokenCodec("other-secret").encode(fingerprint, [10])
    with pytest.raises(BadRequest):
        PageTokenCodec("our-secret").decode(token, fingerprint, [notes.c.id])


def test_edited_position_is_refused() -> None:
    codec = PageTokenCodec("our-secret")
    fingerprint = query_fingerprint("list_notes")
    payload, signature = codec.encode(fingerprint, [10]).split(".")
    forged_payload = codec.encode(fingerprint, [99]).split(".")[0]
    with pytest.raises(BadRequest):
        codec.decode(f"{forged_payload}.{signature}", fingerprint, [notes.c.id])
    assert codec.decode(f"{payload}.{signature}", fingerprint, [notes.c.id]) == [10]


def signed_with_the_default_secret(payload: bytes) -> str:
    """A token anyone can make who knows the development secret: its content is whatever they like."""
    secret = ServiceSettings().page_token_secret.get_secret_value().encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()[:16]
    return f"{_b64(payload)}.{_b64(signature)}"


LIST_NOTES = query_fingerprint("list_notes", municipality=None).encode()


@pytest.mark.parametrize(
    "payload",
    [
        b'{"q":"%s","k":[[1,2]]}' % LIST_NOTES,
        b'{"q":"%s","k":[{"id":1}]}' % LIST_NOTES,
        b'{"q":"%s","k":["1"]}' % LIST_NOTES,
        b'{"q":"%s","k":[null]}' % LIST_NOTES,
        b'{"q":"%s","k":[true]}' % LIST_NOTES,
        b'{"q":"%s","k":[1.5]}' % LIST_NOTES,
        b'{"q":"%s","k":[18446744073709551616]}' % LIST_NOTES,
        b'{"q":"%s","k":[2147483648]}' % LIST_NOTES,
        b'{"q":"%s","k":[1,2]}' % LIST_NOTES,
        b'{"q":"%s","k":"1"}' % LIST_NOTES,
        b'{"q":"%s"}' % LIST_NOTES,
        b'["%s",[1]]' % LIST_NOTES,
        b'{"q":"%s","k":["\\ud800"]}' % LIST_NOTES,
        b"not json",
        b"\xff\xfe",
    ],
)
async def test_a_token_made_with_the_secret_is_still_checked_against_the_sort_columns(
    sample: httpx.AsyncClient, payload: bytes
) -> None:
    token = signed_with_the_default_secret(payload)
    response = await sample.get(f"/sample/v1/notes?page_token={token}")
    assert_problem(response, 400, "invalid-page-token")


async def test_a_token_made_with_the_secret_for_a_real_position_pages_on(sample: httpx.AsyncClient) -> None:
    token = signed_with_the_default_secret(b'{"q":"%s","k":[0]}' % LIST_NOTES)
    assert (await sample.get(f"/sample/v1/notes?page_token={token}")).status_code == 200
