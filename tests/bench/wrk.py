"""Drive load with wrk (from Debian's packages) and read its report."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.cpu import MachineUse, machine_use, tree_cpu_seconds

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    non_2xx: int


def check_clean(name: str, result: LoadResult) -> None:
    """Refuse a run whose answers were errors; a stray socket error per thousand is the load tool's."""
    if result.non_2xx or result.errors > result.requests / 1000:
        raise RuntimeError(f"{name}: {result.errors} socket errors, {result.non_2xx} non-2xx in {result}")


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package when it is missing (the bench runs as root here)."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)  # noqa: S607
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed with apt-get")
    return found


def _millis(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unreadable latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(report: str) -> LoadResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", report).group(1))  # type: ignore[union-attr]
    p50 = _millis(re.search(r"\s50%\s+(\S+)", report).group(1))  # type: ignore[union-attr]
    p99 = _millis(re.search(r"\s99%\s+(\S+)", report).group(1))  # type: ignore[union-attr]
    errors_match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    errors = sum(int(n) for n in errors_match.groups()) if errors_match else 0
    non_2xx_match = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return LoadResult(rps, p50, p99, requests, errors, int(non_2xx_match.group(1)) if non_2xx_match else 0)


async def load(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    paths: list[str] | None = None,
) -> LoadResult:
    """Load `url`; with `paths`, each request takes one of them at random (on `url`'s host)."""
    script = [f'wrk.method = "{method}"']
    for name, value in (headers or {}).items():
        script.append(f'wrk.headers["{name}"] = "{value}"')
    with tempfile.TemporaryDirectory() as folder:
        if body is not None:
            body_path = Path(folder) / "body"
            body_path.write_bytes(body)
            script.append(f'local f = io.open("{body_path}", "rb"); wrk.body = f:read("*a"); f:close()')
        if paths:
            paths_path = Path(folder) / "paths"
            paths_path.write_text("\n".join(paths) + "\n")
            script.append(
                f'paths = {{}}; for line in io.lines("{paths_path}") do paths[#paths + 1] = line end'
            )
            script.append("math.randomseed(os.time())")
            script.append("request = function() return wrk.format(nil, paths[math.random(#paths)]) end")
        script_path = Path(folder) / "request.lua"
        script_path.write_text("\n".join(script) + "\n")
        process = await asyncio.create_subprocess_exec(
            ensure_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script_path),
            url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
    return parse(output.decode())


@dataclass(frozen=True)
class Interleaved:
    """Rounds of a baseline run, each right before a measured run: the shared cores' speed drifts by
    up to a third from one minute to the next, so a ratio is taken within a round, where both sides
    had the same machine, and the round with the median ratio stands for the scenario."""

    baselines: list[LoadResult]
    measured: list[LoadResult]
    measured_cpu_us: list[dict[str, float]]
    """CPU per request of each process tree of `cpu_pids`, by its name, during each measured run."""
    baseline_machine: list[MachineUse]
    measured_machine: list[MachineUse]
    """The whole machine's busy and stolen cores during each run: a side that leaves cores idle
    waits on something other than CPU."""

    def machine_of_round(self, index: int) -> dict[str, Any]:
        """Busy and stolen cores of each side, and the machine's CPU per request (busy cores over the
        rate): what one request cost everything on the machine, the load generator included."""
        baseline, measured = self.baseline_machine[index], self.measured_machine[index]
        return {
            "busy_cores": {"baseline": baseline.busy_cores, "measured": measured.busy_cores},
            "stolen_cores": {"baseline": baseline.stolen_cores, "measured": measured.stolen_cores},
            "machine_cpu_us_per_request": {
                "baseline": _per_request_us(baseline, self.baselines[index]),
                "measured": _per_request_us(measured, self.measured[index]),
            },
        }

    @property
    def ratios(self) -> list[float]:
        return [
            run.requests_per_second / baseline.requests_per_second
            for baseline, run in zip(self.baselines, self.measured, strict=True)
        ]

    @property
    def median(self) -> int:
        """The index of the round whose ratio is the median."""
        ratios = self.ratios
        return sorted(range(len(ratios)), key=lambda index: ratios[index])[len(ratios) // 2]


def _per_request_us(use: MachineUse, result: LoadResult) -> float:
    return round(use.busy_cores / max(result.requests_per_second, 1.0) * 1_000_000, 1)


async def interleaved(
    rounds: int,
    *,
    seconds: int,
    connections: int,
    baseline: dict[str, Any],
    measured: dict[str, Any],
    cpu_pids: Mapping[str, int] | None = None,
) -> Interleaved:
    """`rounds` of a warmed baseline run then a warmed measured run; `baseline` and `measured` are
    `load`'s arguments (the url first among them). Every run must be clean. The CPU of each process
    tree of `cpu_pids` is read during the measured runs."""
    pids = dict(cpu_pids or {})
    baselines: list[LoadResult] = []
    runs: list[LoadResult] = []
    cpu_us: list[dict[str, float]] = []
    baseline_machine: list[MachineUse] = []
    measured_machine: list[MachineUse] = []
    for _round in range(rounds):
        await load(**baseline, seconds=2, connections=connections)
        async with machine_use() as spans:
            baselines.append(await load(**baseline, seconds=seconds, connections=connections))
        baseline_machine += spans
        await load(**measured, seconds=2, connections=connections)
        before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
        async with machine_use() as spans:
            runs.append(await load(**measured, seconds=seconds, connections=connections))
        measured_machine += spans
        requests = max(1, runs[-1].requests)
        cpu_us.append(
            {
                name: round((tree_cpu_seconds(pid) - before[name]) / requests * 1_000_000, 1)
                for name, pid in pids.items()
            }
        )
    for name, results in (("baseline", baselines), ("measured", runs)):
        for result in results:
            check_clean(name, result)
    return Interleaved(baselines, runs, cpu_us, baseline_machine, measured_machine)
