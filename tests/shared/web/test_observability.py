import asyncio
import io
import logging
import sys

import orjson
import pytest
import structlog

from shared.web import observability
from shared.web.observability import BatchedLineWriter


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

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


async def test_lines_go_out_in_one_write_shortly_after_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observability, "FLUSH_SECONDS", 0.01)
    stream = CountingStream()
    writer = BatchedLineWriter(stream)
    for number in range(50):
        writer.info(orjson.dumps({"n": number}))
    await asyncio.sleep(0)
    for number in range(50, 100):
        writer.info(orjson.dumps({"n": number}))
    assert stream.getvalue() == ""
    await asyncio.sleep(0.05)
    assert (stream.writes, stream.flushes) == (1, 1)
    assert [orjson.loads(line)["n"] for line in stream.getvalue().splitlines()] == list(range(100))
    writer.info("later")
    await asyncio.sleep(0.05)
    assert (stream.writes, stream.flushes) == (2, 2)
    assert stream.getvalue().endswith("later\n")


async def test_an_error_goes_out_at_once_with_what_waited() -> None:
    stream = CountingStream()
    writer = BatchedLineWriter(stream)
    writer.info("request")
    writer.error("failed")
    assert (stream.writes, stream.flushes) == (1, 1)
    assert stream.getvalue() == "request\nfailed\n"


async def test_what_waits_can_be_written_out_at_exit() -> None:
    stream = CountingStream()
    writer = BatchedLineWriter(stream)
    writer.info("last request")
    writer.write_out()
    assert stream.getvalue() == "last request\n"


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


def raise_chained() -> None:
    try:
        {"resident": "山田 太郎"}["12345678901"]
    except KeyError as error:
        raise ValueError("date of birth 1990-04-01 is not valid") from error


def test_a_scrubbed_traceback_names_types_and_frames_but_never_messages() -> None:
    try:
        raise_chained()
    except ValueError as error:
        text = observability.scrubbed_traceback((ValueError, error, error.__traceback__))
    assert "builtins.ValueError" in text
    assert "builtins.KeyError" in text
    assert "in raise_chained" in text
    for value in ("12345678901", "1990-04-01", "山田"):
        assert value not in text


def test_structlog_and_standard_library_records_carry_the_scrubbed_traceback() -> None:
    try:
        raise_chained()
    except ValueError:
        event = observability._scrub_exc_info(None, "error", {"event": "failed", "exc_info": True})
        record = logging.LogRecord(
            "sqlalchemy.pool", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    formatted = orjson.loads(observability.StandardLibraryFormatter().format(record))
    for text in (event["exception"], formatted["exception"]):
        assert "in raise_chained" in text
        assert "1990-04-01" not in text


def test_asyncio_records_keep_only_their_first_line() -> None:
    record = logging.LogRecord(
        "asyncio",
        logging.ERROR,
        "base_events.py",
        1,
        "Task exception was never retrieved\nfuture: <Task finished exception=ValueError('1990-04-01')>",
        (),
        None,
    )
    line = orjson.loads(observability.StandardLibraryFormatter().format(record))
    assert line["event"] == "Task exception was never retrieved"
    assert "1990-04-01" not in str(line)


def test_standard_library_records_are_the_same_json_lines_with_the_request_context() -> None:
    structlog.contextvars.bind_contextvars(request_id="r-1", trace_id="t-1")
    try:
        record = logging.LogRecord(
            "uvicorn.error", logging.WARNING, __file__, 1, "Invalid %s received.", ("HTTP request",), None
        )
        line = orjson.loads(observability.StandardLibraryFormatter().format(record))
    finally:
        structlog.contextvars.clear_contextvars()
    assert line.pop("timestamp").endswith("Z")
    assert line == {
        "event": "Invalid HTTP request received.",
        "level": "warning",
        "logger": "uvicorn.error",
        "request_id": "r-1",
        "trace_id": "t-1",
    }
