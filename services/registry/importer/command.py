"""`python -m services.registry import FILE`: residents from CSV or JSON Lines.

Lines are checked and prepared in worker processes while the main process writes the
previous batch. A batch is written in one transaction only if every line in it is valid
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
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random
from typing import IO, Any

import orjson
from sqlalchemy.exc import DBAPIError, IntegrityError
from tqdm import tqdm  # type: ignore[import-untyped]

from services.registry.codes.service import RESIDENCE_KINDS
from services.registry.importer import loader
from services.registry.importer.parsing import Context, LineError, Prepared, prepare
from services.registry.residents.identity import IdentityCipher
from services.registry.residents.rules import japan_today
from services.registry.settings import RegistrySettings
from shared.db.engine import create_engine, resolve_database_url
from shared.values import utc_now

DEFAULT_BATCH_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Summary:
    lines: int
    imported: int
    rejected_lines: int
    rejected_batches: int
    seconds: float
    report: Path


Line = tuple[int, str]
Error = dict[str, Any]

_worker_context: Context | None = None
_worker_rng = Random()  # noqa: S311 - seeded from os.urandom; codes are checked for uniqueness


def _init_worker(codes: frozenset[str], today: date, recorded_at: Any, secret: str) -> None:
    global _worker_context
    _worker_context = Context(codes, today, recorded_at, IdentityCipher(secret))
    _worker_rng.seed(os.urandom(16))


def _decode(text: str, csv_fields: list[str] | None) -> dict[str, Any]:
    if csv_fields is None:
        record = orjson.loads(text)
        if not isinstance(record, dict):
            raise LineError("line", "must be a JSON object")
        return record
    values = next(csv.reader([text]))
    if len(values) != len(csv_fields):
        raise LineError("line", f"has {len(values)} fields, the header has {len(csv_fields)}")
    return dict(zip(csv_fields, values, strict=True))


def prepare_batch(
    lines: list[Line], csv_fields: list[str] | None
) -> tuple[list[Prepared | None], list[Error]]:
    """Worker: each line prepared, or None with an error naming the line and field."""
    assert _worker_context is not None
    prepared: list[Prepared | None] = []
    errors: list[Error] = []
    for number, text in lines:
        try:
            prepared.append(prepare(_decode(text, csv_fields), _worker_context, _worker_rng))
        except LineError as error:
            prepared.append(None)
            errors.append({"line": number, "field": error.field, "error": error.message})
        except (orjson.JSONDecodeError, csv.Error):
            prepared.append(None)
            errors.append({"line": number, "field": "line", "error": "is not valid JSON / CSV"})
    return prepared, errors


class _InlineExecutor(Executor):
    """Runs the preparation in this process (one worker, and tests)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # pragma: no cover - handed to the waiting side
            future.set_exception(error)
        return future


def _batches(handle: IO[str], size: int, *, skip_header: bool, progress: tqdm[Any]) -> Iterator[list[Line]]:
    batch: list[Line] = []
    for number, text in enumerate(handle, start=1):
        progress.update(len(text.encode()))
        if skip_header and number == 1:
            continue
        stripped = text.rstrip("\r\n")
        if not stripped.strip():
            continue
        batch.append((number, stripped))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
    size = await asyncio.to_thread(os.path.getsize, path)
    try:
        async with engine.connect() as connection:
            codes = frozenset(await loader.residence_codes(connection, RESIDENCE_KINDS))
            empty = await loader.register_is_empty(connection)
        bulk_load = empty and engine.dialect.name == "postgresql"
        if bulk_load:
            async with engine.begin() as connection:
                await loader.drop_secondary_indexes(connection)
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
            path.open(encoding="utf-8", newline="") as handle,
            report_path.open("w", encoding="utf-8") as errors_out,
            tqdm(total=size, unit="B", unit_scale=True, desc="import", disable=not show_progress) as progress,
        ):
            csv_fields = None
            if is_csv:
                csv_fields = next(csv.reader([handle.readline()]))
                handle.seek(0)
            loop = asyncio.get_running_loop()
            pending: list[tuple[list[Line], asyncio.Future[Any]]] = []
            batches = _batches(handle, batch_size, skip_header=is_csv, progress=progress)

            def submit_next() -> bool:
                batch = next(batches, None)
                if batch is None:
                    return False
                future = asyncio.wrap_future(executor.submit(prepare_batch, batch, csv_fields), loop=loop)
                pending.append((batch, future))
                return True

            for _ in range(max(2, workers * 2)):
                if not submit_next():
                    break
            while pending:
                batch, future = pending.pop(0)
                prepared, errors = await future
                submit_next()
                counts["lines"] += len(batch)
                await _check_unique(
                    engine, batch, prepared, errors, seen_codes, seen_hashes, in_register=not empty
                )
                if errors:
                    counts["rejected_lines"] += len(batch)
                    counts["rejected_batches"] += 1
                    _report(errors_out, batch, errors)
                    continue
                resident_rows = [item.resident for item in prepared if item is not None]
                version_rows = [row for item in prepared if item is not None for row in item.versions]
                try:
                    async with engine.begin() as connection:
                        await loader.write_batch(connection, resident_rows, version_rows)
                except (IntegrityError, DBAPIError) as error:
                    counts["rejected_lines"] += len(batch)
                    counts["rejected_batches"] += 1
                    reason = (
                        f"the database refused the batch ({type(error.orig).__name__}); "
                        "was it written concurrently?"
                    )
                    _report(errors_out, batch, [{"line": batch[0][0], "field": "batch", "error": reason}])
                    continue
                counts["imported"] += len(resident_rows)
    finally:
        if bulk_load:
            async with engine.begin() as connection:
                await loader.create_secondary_indexes(connection)
        await engine.dispose()
    return Summary(**counts, seconds=time.perf_counter() - started, report=report_path)


async def _check_unique(
    engine: Any,
    batch: list[Line],
    prepared: list[Prepared | None],
    errors: list[Error],
    seen_codes: set[str],
    seen_hashes: set[bytes],
    *,
    in_register: bool,
) -> None:
    """Duplicates within the file (earlier lines win) and, unless the register was empty when
    the import began, against the register."""
    valid = [(line[0], item) for line, item in zip(batch, prepared, strict=True) if item is not None]
    taken: set[str] = set()
    taken_numbers: set[bytes] = set()
    if in_register:
        async with engine.connect() as connection:
            taken = await loader.taken_codes(connection, [item.resident_code for _, item in valid])
            numbers = [item.number_hash for _, item in valid if item.number_hash is not None]
            taken_numbers = await loader.taken_hashes(connection, numbers)
    for number, item in valid:
        if item.resident_code in seen_codes or item.resident_code in taken:
            errors.append(
                {"line": number, "field": "resident_code", "error": "is already registered or repeated"}
            )
        if item.number_hash is not None and (
            item.number_hash in seen_hashes or item.number_hash in taken_numbers
        ):
            errors.append(
                {"line": number, "field": "individual_number", "error": "is already registered or repeated"}
            )
        seen_codes.add(item.resident_code)
        if item.number_hash is not None:
            seen_hashes.add(item.number_hash)


def _report(out: IO[str], batch: list[Line], errors: list[Error]) -> None:
    bad = {error["line"] for error in errors}
    buffer = io.StringIO()
    for error in sorted(errors, key=lambda item: item["line"]):
        buffer.write(json.dumps(error, ensure_ascii=False) + "\n")
    first, last = batch[0][0], batch[-1][0]
    buffer.write(
        json.dumps(
            {
                "batch_first_line": first,
                "batch_last_line": last,
                "error": f"batch not imported: {len(bad)} bad line(s), "
                f"{len(batch) - len(bad)} valid line(s) held back",
            }
        )
        + "\n"
    )
    out.write(buffer.getvalue())
