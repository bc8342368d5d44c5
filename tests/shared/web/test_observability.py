import asyncio
import io

import orjson
import pytest

from shared.web import observability
from shared.web.observability import BatchedLineWriter


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_outside_a_loop_every_line_is_flushed_at_once() -> None:
    stream = CountingStream()
    writer = BatchedLineWriter(stream)
    writer.info(orjson.dumps({"event": "one"}))
    writer.error("two")
    assert stream.getvalue() == '{"event":"one"}\ntwo\n'
    assert stream.flushes == 2


async def test_lines_of_one_loop_turn_are_flushed_together_after_it() -> None:
    stream = CountingStream()
    writer = BatchedLineWriter(stream)
    for number in range(100):
        writer.info(orjson.dumps({"n": number}))
    assert stream.flushes == 0
    await asyncio.sleep(0)
    assert stream.flushes == 1
    assert [orjson.loads(line)["n"] for line in stream.getvalue().splitlines()] == list(range(100))
    writer.info("later")
    await asyncio.sleep(0)
    assert stream.flushes == 2
    assert stream.getvalue().endswith("later\n")


def test_a_request_line_is_the_json_document_structlog_would_write(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = CountingStream()
    monkeypatch.setattr(observability, "_request_lines", BatchedLineWriter(stream))
    observability.log_request({"service": "registry", "status": 200, "request_id": "r-1"})
    line = orjson.loads(stream.getvalue())
    assert line.pop("timestamp").endswith("Z")
    assert line == {
        "service": "registry",
        "status": 200,
        "request_id": "r-1",
        "event": "request",
        "level": "info",
    }


def test_without_json_lines_a_request_line_goes_through_structlog(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, object]] = []

    class Recorder:
        def info(self, event: str, **fields: object) -> None:
            seen.append({"event": event, **fields})

    monkeypatch.setattr(observability, "_request_lines", None)
    monkeypatch.setattr(observability, "_access_log", Recorder())
    observability.log_request({"service": "funds", "status": 404})
    assert seen == [{"event": "request", "service": "funds", "status": 404}]


def test_a_timer_per_label_set_is_looked_up_once() -> None:
    first = observability.request_timer("registry", "GET", "/registry/v1/x", 200)
    assert observability.request_timer("registry", "GET", "/registry/v1/x", 200) is first
    assert observability.request_timer("registry", "GET", "/registry/v1/x", 404) is not first
