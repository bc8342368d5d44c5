"""`python -m services.registry import FILE`: residents from CSV or JSON Lines.

The main process reads the file in chunks of raw lines; worker processes decode and check
each line and, on PostgreSQL, turn a valid batch into binary COPY streams, so the main process
only checks uniqueness across batches and hands those bytes to COPY while the workers prepare
the next chunks. Each batch also tells the change feed of its residents, in its own
transaction, as if they had been recorded through the API. Into an empty register, secondary
indexes and the foreign key from past states to residents are dropped for the load and
rebuilt once at the end (`loader`).
A batch's valid lines are written in one transaction; each bad line gets a line in the report
file (JSON Lines: line number, field, message) and holds back nothing else. Residents already
registered are recognised (code, else individual number, else the four items) and skipped, or
restated with `update` where the file differs, so a corrected file can be run again.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from itertools import islice
from operator import itemgetter
from pathlib import Path
from random import Random
from typing import IO, Any, NamedTuple

import asyncpg
import orjson
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm  # type: ignore[import-untyped]

from services.registry.codes.service import RESIDENCE_KINDS
from services.registry.importer import loader
from services.registry.importer.copy_binary import encode_bodies, frame
from services.registry.importer.parsing import Context, LineError, prepare
from services.registry.residents.identity import IdentityCipher
from services.registry.residents.rules import japan_today
from services.registry.settings import RegistrySettings
from shared.db.engine import create_engine, resolve_database_url
from shared.db.migrations import alembic_config
from shared.values import utc_now

MIGRATIONS = Path(__file__).parents[1] / "migrations"
DEFAULT_BATCH_SIZE = 10_000
RECORDED_BY = "import"
"""Who recorded an imported resident's feed event (the API writes the client's id there)."""


@dataclass(frozen=True, slots=True)
class Summary:
    lines: int
    imported: int
    rejected_lines: int
    seconds: float
    report: Path
    skipped: int = 0
    """Lines recognised as residents already registered (by resident code, else individual
    number, else the four items) and left as they are."""
    updated: int = 0
    """Registered residents whose record the file changed (`update=True` only)."""


class UsageError(ValueError):
    """The command was called wrongly (exit status 2)."""


class CannotRunError(RuntimeError):
    """The import cannot start or go on: database unreachable or not migrated (exit status 3)."""


Error = dict[str, Any]
Rows = list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Lines of the file as read (blank ones included), with the number of the first."""

    first_line: int
    lines: list[bytes]


class LineKey(NamedTuple):
    """What the main process needs of a valid line to recognise it: its line number, resident
    code (issued if the line had none), individual-number hash and, for a line with neither a
    code nor a number, its four items."""

    line: int
    code: str
    number_hash: bytes | None
    code_given: bool
    four_items: loader.FourItems | None


@dataclass(slots=True)
class Batch:
    """A chunk checked and prepared by a worker.

    Each valid line has its `keys` entry and, at the same position, its rows: as binary COPY
    row bodies for PostgreSQL (`residents_copy`, `versions_copy`: the line's rows without
    header or trailer, so any subset of lines can be framed into one stream) or as tuples
    (`residents`, `versions`). A bad line has only its `errors` entry: it holds back itself
    and nothing else.
    """

    first_line: int
    last_line: int
    lines: int
    size: int
    keys: list[LineKey]
    errors: list[Error]
    residents: Rows = field(default_factory=list)
    versions: list[Rows] = field(default_factory=list)
    residents_copy: list[bytes] = field(default_factory=list)
    versions_copy: list[bytes] = field(default_factory=list)


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
    """Worker: every line checked; the rows of each valid one."""
    context = _worker_context
    assert context is not None
    rng = _worker_rng
    batch = Batch(chunk.first_line, chunk.first_line + len(chunk.lines) - 1, 0, 0, [], [])
    number = chunk.first_line - 1
    for raw in chunk.lines:
        number += 1
        batch.size += len(raw)
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        batch.lines += 1
        try:
            prepared = prepare(_decode(raw, csv_fields), context, rng)
        except LineError as error:
            batch.errors.append({"line": number, "field": error.field, "error": error.message})
            continue
        except (orjson.JSONDecodeError, csv.Error, UnicodeDecodeError):
            batch.errors.append({"line": number, "field": "line", "error": "is not valid JSON / CSV"})
            continue
        anonymous = not prepared.code_given and prepared.number_hash is None
        batch.keys.append(
            LineKey(
                number,
                prepared.resident_code,
                prepared.number_hash,
                prepared.code_given,
                prepared.four_items() if anonymous else None,
            )
        )
        if binary_copy:
            batch.residents_copy.append(encode_bodies((prepared.resident,)))
            batch.versions_copy.append(encode_bodies(prepared.versions))
        else:
            batch.residents.append(prepared.resident)
            batch.versions.append(prepared.versions)
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
    update: bool = False,
) -> Summary:
    return asyncio.run(
        import_file(
            path,
            settings=settings,
            batch_size=batch_size,
            report=report,
            workers=workers,
            show_progress=show_progress,
            update=update,
        )
    )


def check_usage(path: Path, *, batch_size: int, workers: int | None) -> None:
    """Refuse a call that cannot mean anything, before touching the database."""
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (got {batch_size})")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1 (got {workers})")
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: not readable")


async def _check_database(engine: AsyncEngine) -> tuple[frozenset[str], bool]:
    """The residence codes in force and whether the register is empty; `CannotRunError` if the
    database cannot be reached or is not at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config(MIGRATIONS, str(engine.url))).get_current_head()
    try:
        async with engine.connect() as connection:
            revision = await loader.schema_revision(connection)
            if revision != head:
                found = "never migrated" if revision is None else f"at revision {revision}"
                raise CannotRunError(
                    f"the registry database is {found}, not {head}: "
                    "run `python -m services.registry migrate` first"
                )
            codes = frozenset(await loader.residence_codes(connection, RESIDENCE_KINDS))
            empty = await loader.register_is_empty(connection)
    except (OSError, DBAPIError) as error:
        raise CannotRunError(f"cannot reach the registry database ({type(error).__name__})") from error
    return codes, empty


async def import_file(
    path: Path,
    *,
    settings: RegistrySettings,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report: Path | None = None,
    workers: int | None = None,
    show_progress: bool = True,
    update: bool = False,
) -> Summary:
    """Import `path`. Residents already registered are skipped, or with `update` take the
    file's record (`loader.restate`) where it differs."""
    check_usage(path, batch_size=batch_size, workers=workers)
    started = time.perf_counter()
    report_path = report or path.with_name(path.name + ".errors.jsonl")
    engine = create_engine(resolve_database_url("registry", settings.database_url))
    workers = workers if workers is not None else os.cpu_count() or 1
    is_csv = path.suffix.lower() == ".csv"
    binary_copy = engine.dialect.name == "postgresql" and not update
    size = await asyncio.to_thread(os.path.getsize, path)
    bulk_load = False
    try:
        codes, empty = await _check_database(engine)
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
        with (
            executor,
            path.open("rb") as handle,
            report_path.open("w", encoding="utf-8") as errors_out,
            tqdm(total=size, unit="B", unit_scale=True, desc="import", disable=not show_progress) as progress,
        ):
            writer = _Writer(engine, errors_out, binary_copy=binary_copy, update=update, recorded_at=now)
            csv_fields = None
            if is_csv:
                header = handle.readline()
                progress.update(len(header))
                csv_fields = next(csv.reader([header.decode(errors="replace")]), [])
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
                progress.update(batch.size)
                await writer.settle(batch, in_register=not empty)
        if writer.counts["imported"] or writer.counts["updated"]:
            async with engine.begin() as connection:
                if bulk_load:
                    await loader.end_bulk_load(connection)
                    bulk_load = False
                await loader.analyze(connection)
    finally:
        if bulk_load:
            async with engine.begin() as connection:
                await loader.end_bulk_load(connection)
        await engine.dispose()
    return Summary(**writer.counts, seconds=time.perf_counter() - started, report=report_path)


class _Decision(Enum):
    NEW = "new"
    SKIP = "skip"
    UPDATE = "update"
    REJECT = "reject"


_REFUSED: tuple[type[BaseException], ...] = (
    IntegrityError,
    DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.DataError,
)
"""What the database says of a row it will not take (as opposed to being unreachable)."""


class _Writer:
    """Recognises each valid line of a batch and writes the new and changed residents."""

    def __init__(
        self, engine: AsyncEngine, report: IO[str], *, binary_copy: bool, update: bool, recorded_at: datetime
    ) -> None:
        self.engine = engine
        self.report = report
        self.binary_copy = binary_copy
        self.update = update
        self.recorded_at = recorded_at
        self.counts = {"lines": 0, "imported": 0, "rejected_lines": 0, "skipped": 0, "updated": 0}
        self.seen_codes: dict[str, int] = {}
        self.seen_hashes: dict[bytes, int] = {}

    async def settle(self, batch: Batch, *, in_register: bool) -> None:
        self.counts["lines"] += batch.lines
        errors = list(batch.errors)
        decisions = await self._decide(batch, errors, in_register=in_register)
        if self.update:
            await self._drop_unchanged(batch, decisions)
        chosen = [i for i, decision in enumerate(decisions) if decision in (_Decision.NEW, _Decision.UPDATE)]
        try:
            await self._write(batch, decisions, chosen)
        except _REFUSED:
            for index in chosen:  # one line at a time: only the refused ones are held back
                try:
                    await self._write(batch, decisions, [index])
                except _REFUSED as error:
                    decisions[index] = _Decision.REJECT
                    reason = getattr(error, "orig", error)
                    errors.append(
                        {
                            "line": batch.keys[index].line,
                            "field": "line",
                            "error": f"the database refused it ({type(reason).__name__})",
                        }
                    )
        for decision in decisions:
            if decision is _Decision.NEW:
                self.counts["imported"] += 1
            elif decision is _Decision.UPDATE:
                self.counts["updated"] += 1
            elif decision is _Decision.SKIP:
                self.counts["skipped"] += 1
        self.counts["rejected_lines"] += len(errors)
        _report(self.report, errors)

    async def _decide(self, batch: Batch, errors: list[Error], *, in_register: bool) -> list[_Decision]:
        """New, already registered (skip or update) or rejected, for each valid line."""
        keys = batch.keys
        codes: set[str] = set()
        numbers: dict[bytes, str] = {}
        four: dict[loader.FourItems, list[str]] = {}
        if in_register:
            async with self.engine.connect() as connection:
                codes = await loader.taken_codes(connection, [key.code for key in keys if key.code_given])
                hashes = [key.number_hash for key in keys if key.number_hash is not None]
                numbers = await loader.registered_numbers(connection, hashes)
                anonymous = [key.four_items for key in keys if key.four_items is not None]
                four = await loader.four_item_matches(connection, anonymous) if anonymous else {}
        decisions: list[_Decision] = []
        for key in keys:
            problem = self._repeated(key)
            existing: str | None = None
            if problem is None:
                existing, problem = _registered(key, codes, numbers, four)
            if problem is None and existing is not None and self.update and not key.code_given:
                problem = (
                    "resident_code",
                    f"the line is registered resident {existing}; give its resident_code to update it",
                )
            if problem is not None:
                errors.append({"line": key.line, "field": problem[0], "error": problem[1]})
                decisions.append(_Decision.REJECT)
            elif existing is None:
                decisions.append(_Decision.NEW)
            else:
                decisions.append(_Decision.UPDATE if self.update else _Decision.SKIP)
        return decisions

    def _repeated(self, key: LineKey) -> tuple[str, str] | None:
        """A code or number that an earlier line of the file already has (the earlier line wins)."""
        earlier = self.seen_codes.setdefault(key.code, key.line)
        if earlier != key.line:
            return "resident_code", f"repeats line {earlier}"
        if key.number_hash is not None:
            earlier = self.seen_hashes.setdefault(key.number_hash, key.line)
            if earlier != key.line:
                return "individual_number", f"repeats line {earlier}"
        return None

    async def _drop_unchanged(self, batch: Batch, decisions: list[_Decision]) -> None:
        """An update whose line says what the register already believes is a skip."""
        chosen = [i for i, decision in enumerate(decisions) if decision is _Decision.UPDATE]
        if not chosen:
            return
        async with self.engine.connect() as connection:
            stored = await loader.stored_records(connection, [batch.keys[i].code for i in chosen])
        for index in chosen:
            line = loader.comparable_line(batch.residents[index], batch.versions[index])
            if stored.get(batch.keys[index].code) == line:
                decisions[index] = _Decision.SKIP

    async def _write(self, batch: Batch, decisions: list[_Decision], chosen: list[int]) -> None:
        new = [i for i in chosen if decisions[i] is _Decision.NEW]
        changed = [i for i in chosen if decisions[i] is _Decision.UPDATE]
        if not new and not changed:
            return
        async with self.engine.begin() as connection:
            if new:
                await self._insert(connection, batch, new)
                await loader.record_in_feed(
                    connection, [batch.keys[i].code for i in new], recorded_by=RECORDED_BY
                )
            if changed:
                await loader.restate(
                    connection,
                    [batch.residents[i] for i in changed],
                    [row for i in changed for row in batch.versions[i]],
                    recorded_at=self.recorded_at,
                )
                await loader.record_in_feed(
                    connection,
                    [batch.keys[i].code for i in changed],
                    recorded_by=RECORDED_BY,
                    event_type="correction",
                )

    async def _insert(self, connection: AsyncConnection, batch: Batch, chosen: list[int]) -> None:
        if self.binary_copy:
            versions = [batch.versions_copy[i] for i in chosen]
            await loader.copy_batch(
                connection,
                frame(batch.residents_copy[i] for i in chosen),
                frame(versions) if any(versions) else b"",
            )
        else:
            await loader.insert_batch(
                connection,
                [batch.residents[i] for i in chosen],
                [row for i in chosen for row in batch.versions[i]],
            )


def _registered(
    key: LineKey,
    codes: set[str],
    numbers: dict[bytes, str],
    four: dict[loader.FourItems, list[str]],
) -> tuple[str | None, tuple[str, str] | None]:
    """The registered resident the line is (by code, else number, else the four items), or a
    reason to reject it."""
    holder = numbers.get(key.number_hash) if key.number_hash is not None else None
    if key.code_given:
        existing = key.code if key.code in codes else None
        if holder is not None and holder != existing:
            return None, ("individual_number", f"is registered to another resident ({holder})")
        return existing, None
    if holder is not None:
        return holder, None
    matches = four.get(key.four_items, []) if key.four_items is not None else []
    if len(matches) > 1:
        return None, (
            "resident_code",
            f"the line matches {len(matches)} registered residents on name, date of birth, sex and "
            "address; give the resident_code",
        )
    return (matches[0] if matches else None), None


def _report(out: IO[str], errors: list[Error]) -> None:
    if errors:
        out.write(
            "".join(
                json.dumps(error, ensure_ascii=False) + "\n"
                for error in sorted(errors, key=itemgetter("line"))
            )
        )
