"""Text that no database can store is refused as input, pointing at the field, never echoing it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from shared.web.middleware import RequestContextMiddleware
from shared.web.text_input import (
    may_hold_unencodable_text,
    unencodable_query_parameter,
    unencodable_text_pointer,
)
from tests.shared.web.test_problems import assert_problem
from tests.support.tokens import TokenFactory


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (b'{"name": "\\ud800"}', "/name"),
        (b'{"a": [{"b": "ok"}, {"b": "\\uDFFF x"}]}', "/a/1/b"),
        (b'{"a": "\\u0000"}', "/a"),
        (b'{"\\ud83d": 1}', "/?"),
        ('{"name": "山田"}'.encode()[:-2] + b'\xed\xa0\x80"}', "/name"),
    ],
)
def test_the_pointer_names_the_first_unstorable_value(body: bytes, pointer: str) -> None:
    assert may_hold_unencodable_text(body)
    assert unencodable_text_pointer(body) == pointer


@pytest.mark.parametrize("body", [b'{"name": "\\ud83d\\ude00"}', b'{"a": "\\u00e9"}', b"not json \\ud800"])
def test_pairs_other_escapes_and_what_is_not_json_pass(body: bytes) -> None:
    assert unencodable_text_pointer(body) is None


def test_ordinary_bodies_are_not_parsed_twice() -> None:
    assert not may_hold_unencodable_text('{"name": "山田 太郎", "n": "\\u00e9"}'.encode())


def test_a_query_parameter_with_nul_is_named() -> None:
    assert unencodable_query_parameter(b"a=1&donor_name=x%00y") == "donor_name"
    assert unencodable_query_parameter(b"a=1&b=%2500") is None


@pytest.mark.parametrize("text", ["\\ud800", "ab\\udc00", "\\u0000"])
async def test_a_body_with_unstorable_text_is_422_with_a_pointer(
    sample: httpx.AsyncClient, tokens: TokenFactory, text: str
) -> None:
    body = ('{"municipality": "131016", "body": "note ' + text + '"}').encode()
    response = await sample.post(
        "/sample/v1/notes",
        content=body,
        headers=tokens.headers("sample:write", audience="sample", **{"Content-Type": "application/json"}),
    )
    problem = assert_problem(response, 422, "validation-failed")
    assert problem["errors"] == [
        {
            "location": "body",
            "pointer": "/body",
            "detail": "text must be valid Unicode without NUL; a lone surrogate or NUL cannot be stored",
            "type": "string_unencodable",
        }
    ]


async def test_an_escape_split_between_two_chunks_is_found(
    sample: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"municipality": "131016", "body": "note \\u'
        yield b'd800"}'

    response = await sample.post(
        "/sample/v1/notes",
        content=chunks(),
        headers=tokens.headers("sample:write", audience="sample", **{"Content-Type": "application/json"}),
    )
    assert_problem(response, 422, "validation-failed")


@pytest.mark.parametrize("parameter", ["municipality", "page_token"])
async def test_a_query_parameter_with_nul_is_422_with_a_pointer(
    sample: httpx.AsyncClient, parameter: str
) -> None:
    response = await sample.get(f"/sample/v1/notes?{parameter}=a%00")
    problem = assert_problem(response, 422, "validation-failed")
    assert problem["errors"][0]["pointer"] == f"/{parameter}"  # type: ignore[index]


async def test_a_content_length_of_digits_outside_ascii_is_400() -> None:
    sent: list[Message] = []

    async def never_called(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the request should not reach the app")

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = RequestContextMiddleware(never_called, service="sample", max_body_bytes=1024)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/sample/v1/notes",
        "query_string": b"",
        "headers": [(b"content-length", "²".encode("latin-1")), (b"content-type", b"application/json")],
    }
    await middleware(scope, receive, send)
    assert sent[0]["status"] == 400
