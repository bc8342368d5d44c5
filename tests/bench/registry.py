"""Registry scenarios: import against a bare COPY of the same rows, single lookups and bulk
verification through the gateway.

The register is filled with BENCH_RESIDENTS synthetic residents (default 1,000,000) from the
registry's own generator, imported with its own import command.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import asyncpg

from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.cpu import parent_of
from tests.bench.wrk import check_clean, interleaved, load

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "1000000"))
LOOKUP_SQL = "SELECT * FROM residents WHERE resident_code = $1"
IMPORTED_TABLES = ("residents", "resident_versions", "resident_events")
PURPOSE = "benchmark"
LOOKUP_ROUNDS = 3


async def _bare_copy_seconds(dsn: str, work_dir: Path) -> dict[str, float]:
    """What the database alone needs to store the same rows: a bare COPY of exactly the rows the
    import wrote into `residents`, `resident_versions` and the feed's `resident_events` (every
    column, read back after the import in their stored order and so precomputed), into fresh
    tables made `LIKE <table> INCLUDING ALL` (logged, with the same primary keys, unique
    constraint and indexes), in PostgreSQL's binary COPY format (the cheapest for the server to
    read), one COPY and one commit per table, timed together."""
    connection = await asyncpg.connect(dsn)
    seconds: dict[str, float] = {}
    try:
        for table in IMPORTED_TABLES:
            rows = work_dir / f"{table}.copy"
            scratch = f"bench_copy_{table}"
            await connection.copy_from_table(table, output=rows, format="binary")
            await connection.execute(
                f"DROP TABLE IF EXISTS {scratch}; CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)"
            )
            started = time.perf_counter()
            await connection.copy_to_table(scratch, source=rows, format="binary")
            seconds[table] = time.perf_counter() - started
            await connection.execute(f"DROP TABLE {scratch}")
            rows.unlink()
    finally:
        await connection.close()
    return seconds


async def _row_counts(dsn: str) -> dict[str, int]:
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}") for table in IMPORTED_TABLES
        }
    finally:
        await connection.close()


async def registry_import(ctx: BenchContext) -> None:
    """The import command against a bare COPY of the rows it wrote (`_bare_copy_seconds`), same run.

    The import starts from an empty register, as a first load does; the ratio compares the
    whole command (reading JSON Lines, checking every line, the keyed hash and encryption of
    each individual number, COPY, indexes) with the database storing those rows alone.
    """
    source = ctx.work_dir / "residents.jsonl"
    started = time.perf_counter()
    await ctx.platform.command(
        "-m", "services.registry", "generate", "--count", str(RESIDENTS), "--seed", "1", "--out", str(source)
    )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    await ctx.platform.command("-m", "services.registry", "import", str(source), "--quiet")
    imported = time.perf_counter() - started
    dsn = ctx.asyncpg_dsn("registry")
    counts = await _row_counts(dsn)
    copied = await _bare_copy_seconds(dsn, ctx.work_dir)
    bare_copy = sum(copied.values())
    ctx.record(
        "registry_import",
        what=f"{RESIDENTS} synthetic residents, JSON Lines, python -m services.registry import, into an "
        "empty register, with a feed event per resident; baseline: binary COPY of the same rows into fresh "
        f"tables LIKE {', '.join(IMPORTED_TABLES)} INCLUDING ALL (logged, same indexes), same run",
        generate_seconds=round(generated, 1),
        import_seconds=round(imported, 1),
        residents_per_second=round(RESIDENTS / imported),
        rows=counts,
        bare_copy_seconds=round(bare_copy, 2),
        bare_copy_seconds_per_table={table: round(seconds, 2) for table, seconds in copied.items()},
        import_to_bare_copy=round(bare_copy / imported, 3),
        target="import_to_bare_copy >= 0.50",
    )


def resident_codes(source: Path, count: int = 20_000) -> list[str]:
    codes = []
    with source.open() as lines:
        for line in lines:
            codes.append(json.loads(line)["resident_code"])
            if len(codes) == count:
                break
    return codes


async def settle_register(dsn: str) -> None:
    """Vacuum and analyse the register after its load, as the other scenarios do after theirs,
    then checkpoint: otherwise autovacuum works through a million fresh rows of each table, and
    the checkpointer through the WAL the import and the vacuum wrote (540 MB a checkpoint, the
    last one started a minute before the lookups and spread over minutes), during the lookups;
    the lookups through the gateway, whose access-log commits wait for the WAL to be flushed,
    paid for both more than the read-only baseline."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"VACUUM (ANALYZE) {', '.join(IMPORTED_TABLES)}")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


async def lookup_requests(ctx: BenchContext) -> tuple[list[str], list[str], dict[str, str]]:
    """The register imported (if no scenario did yet) and settled; then the resident codes to look
    up, their lookup paths, and the headers a lookup needs."""
    source = ctx.work_dir / "residents.jsonl"
    if not source.exists():
        await registry_import(ctx)
    await settle_register(ctx.asyncpg_dsn("registry"))
    codes = resident_codes(source)
    headers = {"Authorization": f"Bearer {ctx.token}", "X-Purpose": PURPOSE}
    return codes, [f"/registry/v1/residents/{code}" for code in codes], headers


async def database_server_pid(dsn: str) -> int:
    """The PostgreSQL server's main process (the bench's database runs on this machine): its process
    tree holds every backend, so its CPU is the database's."""
    connection = await asyncpg.connect(dsn)
    try:
        backend: int = await connection.fetchval("SELECT pg_backend_pid()")
    finally:
        await connection.close()
    return parent_of(backend)


async def registry_lookups(ctx: BenchContext) -> None:
    codes, paths, headers = await lookup_requests(ctx)
    baseline_paths = [f"/r/{code}" for code in codes]
    single_url = ctx.platform.gateway_url + paths[0]
    processes = ctx.platform.processes
    async with ctx.baseline("registry", LOOKUP_SQL) as baseline_url:
        rounds = await interleaved(
            LOOKUP_ROUNDS,
            seconds=SECONDS,
            connections=CONNECTIONS,
            baseline={"url": baseline_url + "/x", "paths": baseline_paths},
            measured={"url": single_url, "headers": headers, "paths": paths},
            cpu_pids={
                "gateway": processes["gateway"].pid,
                "registry": processes["registry"].pid,
                "postgresql": await database_server_pid(ctx.asyncpg_dsn("registry")),
            },
        )
    baselines, singles, ratios, median_round = rounds.baselines, rounds.measured, rounds.ratios, rounds.median
    baseline, single = baselines[median_round], singles[median_round]
    fastest_single = max(singles, key=lambda result: result.requests_per_second)
    body = json.dumps({"items": [{"resident_code": code} for code in codes[:1000]]}).encode()
    bulks = [
        await load(
            ctx.platform.gateway_url + "/registry/v1/residents/verifications",
            seconds=SECONDS,
            connections=4,
            method="POST",
            headers={**headers, "Content-Type": "application/json"},
            body=body,
        )
        for _round in range(LOOKUP_ROUNDS)
    ]
    bulk = max(bulks, key=lambda result: result.requests_per_second)
    for result in bulks:
        check_clean("bulk", result)
    ctx.record(
        "registry_single_lookup",
        what=f"GET /registry/v1/residents/{{code}} through the gateway, token check and access-log entry, "
        f"random residents of {RESIDENTS} (vacuumed, analysed and checkpointed after the import), "
        f"{CONNECTIONS} connections, {SECONDS} s; {LOOKUP_ROUNDS} rounds of a baseline run then a "
        "gateway run, the figures of the round with the median ratio",
        baseline_rps=round(baseline.requests_per_second),
        gateway_rps=round(single.requests_per_second),
        gateway_p99_ms=single.p99_ms,
        gateway_to_baseline=round(ratios[median_round], 3),
        **rounds.machine_of_round(median_round),
        cpu_us_per_request=rounds.measured_cpu_us[median_round],
        rounds={
            "baseline_rps": [round(r.requests_per_second) for r in baselines],
            "gateway_rps": [round(r.requests_per_second) for r in singles],
            "gateway_p99_ms": [r.p99_ms for r in singles],
            "gateway_to_baseline": [round(ratio, 3) for ratio in ratios],
        },
        target="gateway_to_baseline >= 0.50 and p99 < 50 ms",
    )
    ctx.record(
        "registry_bulk_verification",
        what="POST /registry/v1/residents/verifications with 1,000 resident codes, through the gateway, "
        f"4 connections, {SECONDS} s, best of {LOOKUP_ROUNDS}, against the fastest round of single lookups",
        records_per_second=round(bulk.requests_per_second * 1000),
        p99_ms=bulk.p99_ms,
        to_single_lookup_rate=round(bulk.requests_per_second * 1000 / fastest_single.requests_per_second, 1),
        records_per_second_per_round=[round(r.requests_per_second * 1000) for r in bulks],
        target="to_single_lookup_rate >= 20",
    )
