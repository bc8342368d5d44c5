"""What every benchmark scenario gets: the running platform on PostgreSQL, a token, a place to report."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.local.platform import HTTP_PROTOCOL, PROCESSES, ROOT, LocalPlatform, token_for
from shared.auth.scopes import SCOPES
from tests.support.servers import free_port

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))


@dataclass
class BenchContext:
    platform: LocalPlatform
    database_urls: dict[str, str]
    token: str
    work_dir: Path
    results: list[dict[str, Any]] = field(default_factory=list)

    def asyncpg_dsn(self, name: str) -> str:
        return make_url(self.database_urls[name]).set(drivername="postgresql").render_as_string(False)

    def record(self, scenario: str, **figures: Any) -> None:
        self.results.append({"scenario": scenario, **figures})
        print(f"  {scenario}: {figures}", flush=True)  # noqa: T201

    @asynccontextmanager
    async def baseline(self, database: str, sql: str) -> AsyncIterator[str]:
        """The bare asyncpg endpoint over `database`, served by uvicorn; yields its URL."""
        port = free_port()
        env = {**os.environ, "BASELINE_DSN": self.asyncpg_dsn(database), "BASELINE_SQL": sql}
        log = (self.work_dir / "baseline.log").open("ab")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "tests.bench.baseline_app:app",
            "--port",
            str(port),
            "--no-access-log",
            "--http",
            HTTP_PROTOCOL,
            "--log-level",
            "warning",
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            await wait_http(url + "/probe")
            yield url
        finally:
            process.terminate()
            await process.wait()
            log.close()


async def wait_http(url: str) -> None:
    import httpx

    async with httpx.AsyncClient() as client, asyncio.timeout(30):
        while True:
            try:
                await client.get(url, timeout=2.0)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.2)


async def fresh_databases() -> dict[str, str]:
    base = make_url(PG_URL)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    urls = {}
    async with admin.connect() as connection:
        for name in PROCESSES:
            database = f"jichi_bench_{name}"
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
            urls[name] = base.set(database=database).render_as_string(hide_password=False)
    await admin.dispose()
    return urls


@asynccontextmanager
async def bench_platform(work_dir: Path) -> AsyncIterator[BenchContext]:
    urls = await fresh_databases()
    platform = LocalPlatform(
        var_dir=work_dir,
        ports={name: free_port() for name in PROCESSES},
        database_urls=urls,
        log_dir=work_dir,
        # A full run outlasts the default token lifetime of 15 minutes.
        extra_env={
            **{f"{name.upper()}_LOG_JSON": "true" for name in PROCESSES},
            "GATEWAY_TOKEN_TTL_SECONDS": "14400",
        },
    )
    await platform.migrate()
    await platform.ensure_service_clients()
    bench_client = await platform.ensure_client("bench", " ".join(SCOPES), rate_limit=1e9)
    await platform.start()
    try:
        if not await platform.wait_ready():
            raise RuntimeError(f"the platform did not start; logs are in {work_dir}")
        yield BenchContext(platform, urls, await token_for(platform, bench_client), work_dir)
    finally:
        await platform.stop()
