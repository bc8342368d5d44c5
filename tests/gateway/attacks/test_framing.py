"""Requests framed to confuse: smuggling shapes, header bombs, pipelining, old and odd request forms.

granian (hyper) parses the caller's side and aiohttp frames the upstream's, so whatever a caller
sends, the upstream sees one well-framed request per request the gateway understood.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.gateway.attacks.conftest import Recorded
from tests.gateway.attacks.recording_upstream import RecordingUpstream
from tests.gateway.attacks.wire import answers, exchange, request

SMUGGLED = b"GET /registry/v1/smuggled HTTP/1.1\r\nHost: gateway\r\n\r\n"
POST = b"POST /registry/v1/echo HTTP/1.1\r\nHost: g\r\n"

REFUSED_SHAPES = {
    "te-te": POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "te-obfuscated": POST + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "te-space-before-colon": POST + b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "duplicate-content-length": POST + b"Content-Length: 0\r\nContent-Length: 53\r\n\r\n" + SMUGGLED,
    "signed-content-length": POST + b"Content-Length: +53\r\n\r\n" + SMUGGLED,
    "listed-content-length": POST + b"Content-Length: 53, 0\r\n\r\n" + SMUGGLED,
    "chunk-size-overflow": POST + b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFF\r\n" + SMUGGLED,
    "obs-fold": b"GET /registry/v1/echo HTTP/1.1\r\nHost: g\r\nX-Folded: a\r\n b\r\n\r\n" + SMUGGLED,
    "bare-cr": b"GET /registry/v1/echo HTTP/1.1\r\nHost: g\rX-Injected: 1\r\n\r\n" + SMUGGLED,
    "nul-in-header": b"GET /registry/v1/echo HTTP/1.1\r\nHost: g\r\nX-Nul: a\x00b\r\n\r\n" + SMUGGLED,
    "space-in-target": b"GET /registry/v1/echo HTTP/1.1 x HTTP/1.1\r\nHost: g\r\n\r\n" + SMUGGLED,
}


@pytest.mark.parametrize("shape", sorted(REFUSED_SHAPES))
async def test_smuggling_shapes_are_400_and_nothing_is_forwarded(
    recorded: Recorded, recording: RecordingUpstream, shape: str
) -> None:
    raw = await exchange(recorded.port, REFUSED_SHAPES[shape], idle=0.5)
    assert [answer.status for answer in answers(raw)] == [400]
    await asyncio.sleep(0.1)
    assert recording.received == []


@pytest.mark.parametrize(
    "shape",
    [
        # CL.TE: Transfer-Encoding wins (RFC 9112 §6.3) and the connection closes after the answer.
        POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
        # TE.CL: the same request, the other way round.
        POST + b"Transfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n0\r\n\r\n" + SMUGGLED,
    ],
    ids=["cl-te", "te-cl"],
)
async def test_content_length_beside_transfer_encoding_smuggles_nothing(
    recorded: Recorded, recording: RecordingUpstream, shape: bytes
) -> None:
    raw = await exchange(recorded.port, shape, idle=0.5)
    got = answers(raw)
    assert len(got) == 1
    assert got[0].status in (200, 400)
    await asyncio.sleep(0.1)
    assert "/registry/v1/smuggled" not in recording.paths()
    assert all(entry.body == b"" for entry in recording.received)


@pytest.mark.parametrize(
    ("name", "raw", "statuses"),
    [
        (
            "150 header lines",
            request("GET", "/registry/v1/echo", *(f"X-H{i}: v" for i in range(150))),
            (431,),
        ),
        ("one 200 kB header", request("GET", "/registry/v1/echo", "X-Big: " + "a" * 200_000), (431,)),
        ("a 70 kB target", request("GET", "/registry/v1/echo?" + "a" * 70_000), (414, 431)),
    ],
)
async def test_header_bombs_are_refused_before_the_application(
    recorded: Recorded, recording: RecordingUpstream, name: str, raw: bytes, statuses: tuple[int, ...]
) -> None:
    got = answers(await exchange(recorded.port, raw, idle=0.5))
    assert [answer.status for answer in got][:1] in [[status] for status in statuses], name
    assert recording.received == []


def _tree_rss_kib(pid: int) -> int:
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        status = Path(f"/proc/{current}/status").read_text()
        total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
        for task in Path(f"/proc/{current}/task").iterdir():
            children = (task / "children").read_text().split()
            pending += [int(child) for child in children]
    return total


async def test_huge_headers_do_not_grow_the_gateway(recorded: Recorded) -> None:
    gateway = recorded.platform.processes["gateway"]
    before = _tree_rss_kib(gateway.pid)
    bomb = b"GET /registry/v1/echo HTTP/1.1\r\nHost: g\r\nX-Bomb: " + b"a" * (48 * 1024 * 1024) + b"\r\n\r\n"
    for _ in range(3):
        await exchange(recorded.port, bomb, idle=0.5)
    assert _tree_rss_kib(gateway.pid) - before < 32 * 1024


async def test_pipelined_requests_get_their_answers_in_order(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    auth = f"Authorization: Bearer {recorded.token}"
    pipeline = b"".join(request("GET", f"/registry/v1/echo?n={n}", auth) for n in range(5))
    got = answers(await exchange(recorded.port, pipeline))
    assert [json.loads(answer.body)["target"] for answer in got] == [
        f"/registry/v1/echo?n={n}" for n in range(5)
    ]


async def test_http_1_0_is_served_and_closed(recorded: Recorded, recording: RecordingUpstream) -> None:
    raw = await exchange(
        recorded.port,
        f"GET /registry/v1/echo?v=1.0 HTTP/1.0\r\nAuthorization: Bearer {recorded.token}\r\n\r\n".encode(),
    )
    assert raw.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200"))
    assert recording.paths() == ["/registry/v1/echo?v=1.0"]


async def test_absolute_form_targets_reach_only_the_service_with_its_own_host(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    raw = request(
        "GET", "http://evil.example/registry/v1/echo?absolute=1", f"Authorization: Bearer {recorded.token}"
    )
    got = answers(await exchange(recorded.port, raw))
    assert [answer.status for answer in got] == [200]
    assert recording.paths() == ["/registry/v1/echo?absolute=1"]
    assert recording.received[0].headers["host"] == f"127.0.0.1:{recording.port}"


async def test_options_asterisk_is_answered(recorded: Recorded, recording: RecordingUpstream) -> None:
    got = answers(await exchange(recorded.port, b"OPTIONS * HTTP/1.1\r\nHost: g\r\n\r\n"))
    assert [answer.status for answer in got] == [204]
    assert "GET" in got[0].headers["allow"]
    assert recording.received == []


async def test_interim_answers_from_the_upstream_are_not_final(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    auth = f"Authorization: Bearer {recorded.token}"
    stream = request("GET", "/registry/v1/interim", auth) + b"".join(
        request("GET", f"/registry/v1/echo?after-interim={n}", auth) for n in range(3)
    )
    got = [answer for answer in answers(await exchange(recorded.port, stream)) if answer.status >= 200]
    assert json.loads(got[0].body) == {"final": True}
    assert [json.loads(answer.body)["target"] for answer in got[1:]] == [
        f"/registry/v1/echo?after-interim={n}" for n in range(3)
    ]


async def test_expect_is_not_passed_upstream_and_unknown_expectations_are_417(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    auth = f"Authorization: Bearer {recorded.token}"
    continued = request("POST", "/registry/v1/echo", auth, "Expect: 100-continue", body=b"{}")
    got = [answer for answer in answers(await exchange(recorded.port, continued)) if answer.status >= 200]
    assert [answer.status for answer in got] == [200]
    assert "expect" not in recording.received[0].headers
    odd = request("POST", "/registry/v1/echo", auth, "Expect: teapot", body=b"{}")
    assert [answer.status for answer in answers(await exchange(recorded.port, odd))] == [417]
    assert len(recording.received) == 1


async def test_upstream_addresses_never_leave_the_gateway(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    got = answers(
        await exchange(
            recorded.port, request("GET", "/registry/v1/redirect", f"Authorization: Bearer {recorded.token}")
        )
    )
    assert got[0].status == 302
    assert got[0].headers["location"] == "/registry/v1/echo?after=redirect"
    assert not any("127.0.0.1" in value for value in got[0].headers.values())


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_a_body_cut_short_is_never_completed_upstream(
    recorded: Recorded, recording: RecordingUpstream, method: str
) -> None:
    head = request(
        method,
        f"/registry/v1/upload?{method}",
        f"Authorization: Bearer {recorded.token}",
        "Content-Length: 4000",
    )
    await exchange(recorded.port, head, b"x" * 1000, pause=0.2, idle=0.3)
    await asyncio.sleep(0.5)
    assert not any(entry.complete for entry in recording.received), recording.received


async def test_an_upstream_answer_cut_short_is_never_passed_on_as_whole(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    auth = f"Authorization: Bearer {recorded.token}"
    declared = answers(await exchange(recorded.port, request("GET", "/registry/v1/cut-short", auth)))
    assert [answer.status for answer in declared] == [502]
    chunked = await exchange(recorded.port, request("GET", "/registry/v1/cut-short-chunked", auth))
    assert chunked.startswith(b"HTTP/1.1 200")
    assert answers(chunked) == []  # the caller sees a broken answer, never a complete shorter one
    after = answers(await exchange(recorded.port, request("GET", "/registry/v1/echo?after-cut", auth)))
    assert json.loads(after[0].body)["target"] == "/registry/v1/echo?after-cut"
