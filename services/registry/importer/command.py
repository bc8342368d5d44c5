"""`python -m services.registry import FILE`: residents from CSV or JSON Lines.

The main process reads the file in chunks of raw lines; worker processes decode and check
each line and, on PostgreSQL, turn a valid batch into binary COPY streams, so the main process
only checks uniqueness across batches and hands those bytes to COPY while the workers prepare
the next chunks. Each batch also tells the change feed of its residents, in its own
transaction, as if they had been recorded through the API. Into an empty register, secondary
indexes and the foreign key from past states to residents are dropped for the load and
rebuilt once at the end (`loader`).
A batch is written in one transaction only if every line in it is valid
(all-or-nothing per batch); each bad line gets a line in the report file (JSON Lines:
line number, field, message) and the batch's other lines are reported as not imported.
Resident codes and individual numbers must be unique in the file and in the register.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from random import Random
from typing import IO, Any

import orjson
from sqlalchemy.exc import DBAPIError, IntegrityError
from tqdm import tqdm  # type: ignore[import-untyped]

from services.registry.codes.service import RESIDENCE_KINDS
from services.registry.importer import loader
from services.registry.importer.copy_binary import encode_rows
from services.registry.importer.parsing import Context, LineError, prepare
from services.registry.residents.identity import IdentityCipher
from services.registry.residents.rules import japan_today
from services.registry.settings import RegistrySettings
from shared.db.engine import create_engine, resolve_database_url
from shared.values import utc_now

DEFAULT_BATCH_SIZE = 10_000
RECORDED_BY = "import"
"""Who recorded an imported resident's feed event (the API writes the client's id there)."""


@dataclass(frozen=True, slots=True)
class Summary:
    lines: int
    imported: int
    rejected_lines: int
    rejected_batches: int
    seconds: float
    report: Path


Error = dict[str, Any]
Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Lines of the file as read (blank ones included), with the number of the first."""

    first_line: int
    lines: list[bytes]


@dataclass(slots=True)
class Batch:
    """A chunk checked and prepared by a worker.

    `keys` holds (line, resident code, individual-number hash) of each valid line, for the
    uniqueness check across batches. The rows come as binary COPY streams for PostgreSQL and as tuples
    for the portable path; there are none when a line is bad (the batch is not written).
    """

    first_line: int
    last_line: int
    lines: int
    size: int
    keys: list[tuple[int, str, bytes | None]]
    errors: list[Error]
    residents: Rows = field(default_factory=list)
    versions: Rows = field(default_factory=list)
    residents_copy: bytes = b""
    versions_copy: bytes = b""


_worker_context: Context | None = None
_worker_rng = Random()  # noqa: S311 - seeded from os.urandom; codes are checked for uniqueness


def _init_worker(codes: frozenset[str], today: date, recorded_at: Any, secret: str) -> None:
    global _worker_context
    _worker_context = Context(codes, today, recorded_at, IdentityCipher(secret))
    _worker_rng.seed(os.urandom(16))


def _decode(raw: bytes, csv_fields: list[str] | None) -> dict[str, Any]:
    if csv_fields is None:
        record = orjson.loads(raw)
        if not isinstance(record, dict):
            raise LineError("line", "must be a JSON object")
        return record
    values = next(csv.reader([raw.decode()]))
    if len(values) != len(csv_fields):
        raise LineError("line", f"has {len(values)} fields, the header has {len(csv_fields)}")
    return dict(zip(csv_fields, values, strict=True))


def prepare_batch(chunk: Chunk, csv_fields: list[str] | None, binary_copy: bool) -> Batch:
    """Worker: every line checked; the rows only if all of them are valid."""
    context = _worker_context
    assert context is not None
    rng = _worker_rng
    residents: Rows = []
    versions: Rows = []
    keys: list[tuple[int, str, bytes | None]] = []
    errors: list[Error] = []
    number = chunk.first_line - 1
    size = lines = 0
    for raw in chunk.lines:
        number += 1
        size += len(raw)
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        lines += 1
        try:
            prepared = prepare(_decode(raw, csv_fields), context, rng)
        except LineError as error:
            errors.append({"line": number, "field": error.field, "error": error.message})
            continue
        except (orjson.JSONDecodeError, csv.Error, UnicodeDecodeError):
            errors.append({"line": number, "field": "line", "error": "is not valid JSON / CSV"})
            continue
        keys.append((number, prepared.resident_code, prepared.number_hash))
        if not errors:
            residents.append(prepared.resident)
            versions.extend(prepared.versions)
    batch = Batch(chunk.first_line, chunk.first_line + len(chunk.lines) - 1, lines, size, keys, errors)
    if errors:
        return batch
    if binary_copy:
        batch.residents_copy = encode_rows(residents)
        batch.versions_copy = encode_rows(versions) if versions else b""
    else:
        batch.residents, batch.versions = residents, versions
    return batch


class _InlineExecutor(Executor):
    """Runs the preparation in this process (one worker, and tests)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # pragma: no cover - handed to the waiting side
            future.set_exception(error)
        return future


def _chunks(handle: IO[bytes], size: int, first_line: int) -> Iterator[Chunk]:
    while lines := list(islice(handle, size)):
        yield Chunk(first_line, lines)
        first_line += len(lines)


def run_import(
    path: Path,
    *,
    settings: RegistrySettings,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report: Path | None = None,
    workers: int | None = None,
    show_progress: bool = True,
) -> Summary:
    return asyncio.run(
        import_file(
            path,
            settings=settings,
            batch_size=batch_size,
            report=report,
            workers=workers,
            show_progress=show_progress,
        )
    )


async def import_file(
    path: Path,
    *,
    settings: RegistrySettings,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report: Path | None = None,
    workers: int | None = None,
    show_progress: bool = True,
) -> Summary:
    started = time.perf_counter()
    report_path = report or path.with_name(path.name + ".errors.jsonl")
    engine = create_engine(resolve_database_url("registry", settings.database_url))
    workers = workers if workers is not None else os.cpu_count() or 1
    is_csv = path.suffix.lower() == ".csv"
    binary_copy = engine.dialect.name == "postgresql"
    size = await asyncio.to_thread(os.path.getsize, path)
    bulk_load = False
    try:
        async with engine.connect() as connection:
            codes = frozenset(await loader.residence_codes(connection, RESIDENCE_KINDS))
            empty = await loader.register_is_empty(connection)
        bulk_load = empty and binary_copy
        if bulk_load:
            async with engine.begin() as connection:
                await loader.begin_bulk_load(connection)
        now = utc_now()
        init_args = (codes, japan_today(now), now, settings.identity_key.get_secret_value())
        executor: Executor
        if workers <= 1:
            _init_worker(*init_args)
            executor = _InlineExecutor()
        else:
            executor = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=init_args)
        counts = {"lines": 0, "imported": 0, "rejected_lines": 0, "rejected_batches": 0}
        seen_codes: set[str] = set()
        seen_hashes: set[bytes] = set()
        with (
            executor,
            path.open("rb") as handle,
            report_path.open("w", encoding="utf-8") as errors_out,
            tqdm(total=size, unit="B", unit_scale=True, desc="import", disable=not show_progress) as progress,
        ):
            csv_fields = None
            if is_csv:
                header = handle.readline()
                progress.update(len(header))
                csv_fields = next(csv.reader([header.decode()]))
            loop = asyncio.get_running_loop()
            pending: deque[asyncio.Future[Batch]] = deque()
            chunks = _chunks(handle, batch_size, first_line=2 if is_csv else 1)

            def submit_next() -> None:
                chunk = next(chunks, None)
                if chunk is not None:
                    submitted = executor.submit(prepare_batch, chunk, csv_fields, binary_copy)
                    pending.append(asyncio.wrap_future(submitted, loop=loop))

            for _ in range(max(2, workers * 2)):
                submit_next()
            while pending:
                batch = await pending.popleft()
                submit_next()
                counts["lines"] += batch.lines
                progress.update(batch.size)
                await _check_unique(engine, batch, seen_codes, seen_hashes, in_register=not empty)
                if batch.errors:
                    counts["rejected_lines"] += batch.lines
                    counts["rejected_batches"] += 1
                    _report(errors_out, batch, batch.errors)
                    continue
                try:
                    async with engine.begin() as connection:
                        if binary_copy:
                            await loader.copy_batch(connection, batch.residents_copy, batch.versions_copy)
                        else:
                            await loader.insert_batch(connection, batch.residents, batch.versions)
                        await loader.record_in_feed(
                            connection, [code for _, code, _ in batch.keys], recorded_by=RECORDED_BY
                        )
                except (IntegrityError, DBAPIError) as error:
                    counts["rejected_lines"] += batch.lines
                    counts["rejected_batches"] += 1
                    reason = (
                        f"the database refused the batch ({type(error.orig).__name__}); "
                        "was it written concurrently?"
                    )
                    _report(
                        errors_out, batch, [{"line": batch.first_line, "field": "batch", "error": reason}]
                    )
                    continue
                counts["imported"] += len(batch.keys)
    finally:
        if bulk_load:
            async with engine.begin() as connection:
                await loader.end_bulk_load(connection)
        await engine.dispose()
    return Summary(**counts, seconds=time.perf_counter() - started, report=report_path)


async def _check_unique(
    engine: Any,
    batch: Batch,
    seen_codes: set[str],
    seen_hashes: set[bytes],
    *,
    in_register: bool,
) -> None:
    """Duplicates within the file (earlier lines win) and, unless the register was empty when
    the import began, against the register."""
    taken: set[str] = set()
    taken_numbers: set[bytes] = set()
    if in_register:
        async with engine.connect() as connection:
            taken = await loader.taken_codes(connection, [code for _, code, _ in batch.keys])
            numbers = [number_hash for _, _, number_hash in batch.keys if number_hash is not None]
            taken_numbers = await loader.taken_hashes(connection, numbers)
    errors = batch.errors
    for number, code, number_hash in batch.keys:
        if code in seen_codes or code in taken:
            errors.append(
                {"line": number, "field": "resident_code", "error": "is already registered or repeated"}
            )
        seen_codes.add(code)
        if number_hash is not None:
            if number_hash in seen_hashes or number_hash in taken_numbers:
                errors.append(
                    {
                        "line": number,
                        "field": "individual_number",
                        "error": "is already registered or repeated",
                    }
                )
            seen_hashes.add(number_hash)


def _report(out: IO[str], batch: Batch, errors: list[Error]) -> None:
    bad = {error["line"] for error in errors}
    buffer = io.StringIO()
    for error in sorted(errors, key=lambda item: item["line"]):
        buffer.write(json.dumps(error, ensure_ascii=False) + "\n")
    buffer.write(
        json.dumps(
            {
                "batch_first_line": batch.first_line,
                "batch_last_line": batch.last_line,
                "error": f"batch not imported: {len(bad)} bad line(s), "
                f"{batch.lines - len(bad)} valid line(s) held back",
            }
        )
        + "\n"
    )
    out.write(buffer.getvalue())
