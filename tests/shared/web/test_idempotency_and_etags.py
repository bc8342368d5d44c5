"""Idempotent creation and optimistic concurrency with ETags, including races."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shared.web.idempotency import REPLAY_HEADER, IdempotentWrite
from tests.shared.web.test_problems import assert_problem
from tests.support.tokens import TokenFactory

NOTE = {"municipality": "131016", "body": "hello"}


async def count_notes(client: httpx.AsyncClient) -> int:
    return len((await client.get("/sample/v1/notes")).json()["items"])


async def test_retry_returns_the_first_response(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample", **{"Idempotency-Key": "k-1"})
    first = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    again = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers[REPLAY_HEADER] == "true"
    assert await count_notes(sample) == 1


async def test_same_key_with_another_body_is_422(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample", **{"Idempotency-Key": "k-2"})
    assert (await sample.post("/sample/v1/notes", json=NOTE, headers=headers)).status_code == 201
    other = await sample.post("/sample/v1/notes", json={**NOTE, "body": "other"}, headers=headers)
    assert_problem(other, 422, "idempotency-key-reused")
    assert await count_notes(sample) == 1


async def test_keys_belong_to_their_client(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    for client_id in ("pension-agency", "tax-office"):
        token = tokens.token("sample:write", audience="sample", client_id=client_id)
        response = await sample.post(
            "/sample/v1/notes",
            json=NOTE,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k"},
        )
        assert response.status_code == 201
        assert REPLAY_HEADER.lower() not in response.headers
    assert await count_notes(sample) == 2


async def test_failed_request_frees_its_key(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample", **{"Idempotency-Key": "k-3"})
    bad = await sample.post("/sample/v1/notes", json={**NOTE, "municipality": "131017"}, headers=headers)
    assert bad.status_code == 422
    good = await sample.post("/sample/v1/notes", json={**NOTE, "municipality": "131017"}, headers=headers)
    assert good.status_code == 422
    assert await count_notes(sample) == 0


async def test_concurrent_duplicates_create_once(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample", **{"Idempotency-Key": "k-4"})
    responses = await asyncio.gather(
        *(sample.post("/sample/v1/notes", json=NOTE, headers=headers) for _ in range(8))
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "idempotency-key-in-progress")
    assert await count_notes(sample) == 1


async def test_update_needs_if_match(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample")
    created = (await sample.post("/sample/v1/notes", json=NOTE, headers=headers)).json()
    response = await sample.put(f"/sample/v1/notes/{created['id']}", json=NOTE, headers=headers)
    assert_problem(response, 428, "if-match-required")


async def test_stale_etag_is_412(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample")
    created = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    etag = created.headers["etag"]
    url = f"/sample/v1/notes/{created.json()['id']}"
    first = await sample.put(url, json={**NOTE, "body": "first"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200
    assert first.headers["etag"] != etag
    second = await sample.put(url, json={**NOTE, "body": "second"}, headers={**headers, "If-Match": etag})
    body = assert_problem(second, 412, "etag-mismatch")
    assert body["current_etag"] == first.headers["etag"]


async def test_two_clerks_racing_one_wins(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("sample:write", audience="sample")
    created = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    url = f"/sample/v1/notes/{created.json()['id']}"
    etag = created.headers["etag"]
    results = await asyncio.gather(
        *(
            sample.put(url, json={**NOTE, "body": f"clerk {n}"}, headers={**headers, "If-Match": etag})
            for n in range(2)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 412]
    final = await sample.get(url, headers=tokens.headers("sample:read", audience="sample"))
    assert final.json()["version"] == 2


async def test_a_retry_does_not_run_the_handler_again(
    sample: httpx.AsyncClient, tokens: TokenFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = tokens.headers("sample:write", audience="sample", **{"Idempotency-Key": "k-run-once"})
    first = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    monkeypatch.setattr(IdempotentWrite, "respond", _must_not_respond)
    again = await sample.post("/sample/v1/notes", json=NOTE, headers=headers)
    assert (again.status_code, again.json(), again.headers[REPLAY_HEADER]) == (201, first.json(), "true")


def _must_not_respond(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("a replayed request reached its handler")


async def test_the_same_json_written_otherwise_is_the_same_request(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = tokens.headers(
        "sample:write",
        audience="sample",
        **{"Idempotency-Key": "k-canonical", "Content-Type": "application/json"},
    )
    first = await sample.post(
        "/sample/v1/notes", content=b'{"municipality":"131016","body":"hello"}', headers=headers
    )
    again = await sample.post(
        "/sample/v1/notes", content=b'{\n  "body": "hello",\n  "municipality": "131016"\n}', headers=headers
    )
    assert again.status_code == 201
    assert again.headers[REPLAY_HEADER] == "true"
    assert again.json() == first.json()
    assert await count_notes(sample) == 1


async def test_if_none_match_with_the_current_etag_is_304(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    write = tokens.headers("sample:write", audience="sample")
    read = tokens.headers("sample:read", audience="sample")
    created = await sample.post("/sample/v1/notes", json=NOTE, headers=write)
    path = f"/sample/v1/notes/{created.json()['id']}"
    etag = created.headers["etag"]
    for held in (etag, f"W/{etag}", f'"v999", {etag}', "*"):
        cached = await sample.get(path, headers={**read, "If-None-Match": held})
        assert (cached.status_code, cached.content, cached.headers["etag"]) == (304, b"", etag)
    changed = await sample.get(path, headers={**read, "If-None-Match": '"v999"'})
    assert (changed.status_code, changed.json()["id"]) == (200, created.json()["id"])


async def test_if_match_uses_the_strong_comparison(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    write = tokens.headers("sample:write", audience="sample")
    created = await sample.post("/sample/v1/notes", json=NOTE, headers=write)
    path = f"/sample/v1/notes/{created.json()['id']}"
    weak = await sample.put(path, json=NOTE, headers={**write, "If-Match": f"W/{created.headers['etag']}"})
    assert_problem(weak, 412, "etag-mismatch")
    strong = await sample.put(path, json=NOTE, headers={**write, "If-Match": created.headers["etag"]})
    assert strong.status_code == 200
