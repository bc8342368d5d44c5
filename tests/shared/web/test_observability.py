import asyncio
import io

import orjson

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
