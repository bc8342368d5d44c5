"""Callers that send slowly hold nothing for long: headers, body parts and whole bodies have deadlines."""

from __future__ import annotations

import asyncio

from tests.gateway.attacks.conftest import Recorded
from tests.gateway.attacks.recording_upstream import RecordingUpstream
from tests.gateway.attacks.wire import answers, closed_by_server, exchange


async def test_slow_headers_are_cut_off(recorded: Recorded, recording: RecordingUpstream) -> None:
    lines = [b"GET /registry/v1/echo HTTP/1.1\r\n", *(f"X-Slow-{n}: 1\r\n".encode() for n in range(20))]
    closed, _ = await closed_by_server(recorded.port, *lines, pause=0.4, within=6)
    assert closed
    assert recording.received == []


async def test_a_body_that_stalls_is_408_and_abandoned(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    head = (
        f"POST /registry/v1/echo?stalled HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer {recorded.token}\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    raw = await exchange(recorded.port, head, b"a", b"b", b"c", pause=1.5, idle=2.0)
    assert [answer.status for answer in answers(raw)] == [408]
    await asyncio.sleep(0.2)
    assert not any(entry.complete for entry in recording.received)


async def test_a_body_that_trickles_past_the_total_deadline_is_408(
    recorded: Recorded, recording: RecordingUpstream
) -> None:
    head = (
        f"PUT /registry/v1/echo?trickled HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer {recorded.token}\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    raw = await exchange(recorded.port, head, *([b"t"] * 12), pause=0.5, idle=2.0, total=15)
    assert [answer.status for answer in answers(raw)] == [408]
    assert not any(entry.complete for entry in recording.received)
