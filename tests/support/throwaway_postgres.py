"""A PostgreSQL server of the test's own, on its own port and folder, that a test may stop and start.

The shared server other suites use is never touched. Made with the installed server binaries
(`/usr/lib/postgresql/<version>/bin`), run as the `postgres` user when the tests run as root (the
server refuses root); a test that needs one is skipped where none can be made.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.servers import free_port


@dataclass
class ThrowawayPostgres:
    bin_dir: Path
    folder: Path
    port: int
    run_as: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        command = [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-w", *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 - fixed argv

    def start_now(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._pg_ctl("-l", str(self.folder / "server.log"), "-o", options, "start")

    def stop_now(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    async def start(self) -> None:
        await asyncio.to_thread(self.start_now)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_now)


def _server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    bin_dir = _server_binaries()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries to make a throwaway server with")
    run_as: tuple[str, ...] = ()
    folder = Path(tempfile.mkdtemp(prefix="jichi-pg-"))
    if os.geteuid() == 0:
        run_as = ("runuser", "-u", "postgres", "--")
        shutil.chown(folder, "postgres", "postgres")
    server = ThrowawayPostgres(bin_dir, folder, free_port(), run_as)
    try:
        initdb = [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            "postgres",
            "--auth=trust",
        ]
        subprocess.run(initdb, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed argv
        server.start_now()
    except (OSError, subprocess.SubprocessError, LookupError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not make a throwaway PostgreSQL server: {error}")
    try:
        yield server
    finally:
        with suppress(subprocess.SubprocessError):  # already stopped by the test
            server.stop_now()
        shutil.rmtree(folder, ignore_errors=True)
