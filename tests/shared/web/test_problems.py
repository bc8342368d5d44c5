"""Everything a caller can send wrong becomes an RFC 9457 problem with a request id; nothing leaks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import structlog

from tests.conftest import running
from tests.shared.conftest import build_sample_app
from tests.support.servers import free_port
from tests.support.tokens import TokenFactory

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, object] = response.json()
    assert body["type"] == f"urn:jichi:problem:{slug}"
    assert body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["instance"]
    return body


async def test_unknown_route_is_404_problem(sample: httpx.AsyncClient) -> None:
    assert_problem(await sample.get("/sample/v1/nothing-here"), 404, "not-found")


async def test_wrong_method_is_405_problem(sample: httpx.AsyncClient) -> None:
    assert_problem(await sample.delete("/sample/v1/notes"), 405, "method-not-allowed")


async def test_malformed_json_is_400(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    response = await sample.post(
        "/sample/v1/notes",
        content=b'{"municipality": "131016", "body": ',
        headers=tokens.headers("sample:write", audience="sample", **{"Content-Type": "application/json"}),
    )
    assert_problem(response, 400, "malformed-json")


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
async def test_a_json_body_that_is_not_utf8_is_malformed_json(
    sample: httpx.AsyncClient, tokens: TokenFactory, content_type: str
) -> None:
    """JSON is UTF-8 (RFC 8259 §8.1): a body that does not decode is the same problem as one that
    does not parse, the one every JSON operation declares."""
    headers = tokens.headers("sample:write", audience="sample", **{"Content-Type": content_type})
    response = await sample.post("/sample/v1/notes", content=b'{"municipality": "\xff"}', headers=headers)
    assert_problem(response, 400, "malformed-json")


async def test_wrong_content_type_is_415(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    response = await sample.post(
        "/sample/v1/notes",
        content=b"municipality=131016",
        headers=tokens.headers("sample:write", audience="sample", **{"Content-Type": "text/plain"}),
    )
    assert_problem(response, 415, "unsupported-media-type")


async def test_oversized_body_is_413_and_writes_nothing(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = tokens.headers("sample:write", audience="sample")
    response = await sample.post(
        "/sample/v1/notes", json={"municipality": "131016", "body": "x" * 2_000_000}, headers=headers
    )
    assert_problem(response, 413, "content-too-large")
    assert (await sample.get("/sample/v1/notes")).json()["items"] == []


async def test_oversized_chunked_body_is_413(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 65_536

    response = await sample.post(
        "/sample/v1/notes",
        content=chunks(),
        headers=tokens.headers("sample:write", audience="sample", **{"Content-Type": "application/json"}),
    )
    assert_problem(response, 413, "content-too-large")


async def test_validation_errors_point_at_each_field(sample: httpx.AsyncClient, tokens: TokenFactory) -> None:
    response = await sample.post(
        "/sample/v1/notes",
        json={"municipality": "131017", "body": ""},
        headers=tokens.headers("sample:write", audience="sample"),
    )
    body = assert_problem(response, 422, "validation-failed")
    errors = {(e["location"], e["pointer"]): e for e in body["errors"]}  # type: ignore[attr-defined]
    assert errors[("body", "/municipality")]["type"] == "local_government_code_check_digit"
    assert "should be 6" in errors[("body", "/municipality")]["detail"]
    assert ("body", "/body") in errors


async def test_bad_query_parameter_is_422_with_pointer(sample: httpx.AsyncClient) -> None:
    body = assert_problem(await sample.get("/sample/v1/notes?page_size=0"), 422, "validation-failed")
    assert body["errors"][0]["location"] == "query"  # type: ignore[index]
    assert body["errors"][0]["pointer"] == "/page_size"  # type: ignore[index]


async def test_unexpected_error_is_500_problem_without_internals(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    with structlog.testing.capture_logs() as logged:
        response = await sample.post(
            "/sample/v1/crash/12345678901", headers=tokens.headers("sample:write", audience="sample")
        )
    assert_problem(response, 500, "internal-error")
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    [error] = [line for line in logged if line["event"] == "unhandled_exception"]
    assert error["route"] == "/sample/v1/crash/{resident_code}"
    assert "12345678901" not in str(error)


async def test_a_database_that_cannot_be_reached_is_503_with_retry_after(tokens: TokenFactory) -> None:
    nothing_listens = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/jichi"
    async with running(build_sample_app(nothing_listens, tokens)) as sample:
        response = await sample.get("/sample/v1/notes")
    body = assert_problem(response, 503, "database-unavailable")
    assert int(response.headers["retry-after"]) > 0
    assert "127.0.0.1" not in str(body)


async def test_request_id_and_traceparent_are_kept_and_echoed(sample: httpx.AsyncClient) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await sample.get(
        "/healthz",
        headers={"X-Request-ID": "caller-id-1", "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert response.headers["x-request-id"] == "caller-id-1"
    assert response.headers["traceparent"].startswith(f"00-{trace_id}-")
    assert not response.headers["traceparent"].endswith("00f067aa0ba902b7-01")


@pytest.mark.parametrize("bad", ["", "x" * 200, "has space", "semi;colon"])
async def test_malformed_request_id_is_replaced(sample: httpx.AsyncClient, bad: str) -> None:
    response = await sample.get("/healthz", headers={"X-Request-ID": bad})
    assert response.headers["x-request-id"] != bad
    assert len(response.headers["x-request-id"]) == 32
