"""`make bench`: start the platform on PostgreSQL, drive load with wrk, write a JSON and a markdown report.

Every figure is reported as a ratio to a baseline measured in the same run (these machines are
shared and noisy): see README.md, "Benchmarks".
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import platform as host
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench.context import bench_platform
from tests.bench.scenarios import SCENARIOS
from tests.bench.wrk import ensure_wrk

RESULTS = Path(__file__).parent / "results"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# jichi benchmark report",
        "",
        f"Last run {report['measured_at']} on {report['machine']}. Each scenario's ratios compare "
        "figures of one run; a scenario not run last time keeps the figures of the run it had.",
        "",
    ]
    for result in report["results"]:
        lines.append(f"## {result['scenario']}")
        lines.append("")
        lines.append(f"Measured {result['measured_at']}.")
        lines.append("")
        lines += [
            f"- **{key}**: {value}" for key, value in result.items() if key not in {"scenario", "measured_at"}
        ]
        lines.append("")
    return "\n".join(lines)


def previous_results() -> list[dict[str, Any]]:
    path = RESULTS / "latest.json"
    if not path.exists():
        return []
    report = json.loads(path.read_text())
    return [{"measured_at": report["measured_at"], **result} for result in report["results"]]


def merged(previous: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This run's results replace the same scenarios' earlier ones; the others stay, in order."""
    fresh = {result["scenario"]: result for result in new}
    kept = [result for result in previous if result["scenario"] not in fresh]
    order = [scenario.__name__ for scenario in SCENARIOS]
    extra = [result for result in kept + new if result["scenario"] not in order]
    by_name = {result["scenario"]: result for result in kept + new}
    return [by_name[name] for name in order if name in by_name] + extra


async def main() -> int:
    ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="jichi-bench-") as folder:
        work_dir = Path(folder)
        selected = set(sys.argv[1:])
        failures: list[str] = []
        async with bench_platform(work_dir) as ctx:
            for scenario in SCENARIOS:
                if selected and scenario.__name__ not in selected:
                    continue
                print(f"scenario {scenario.__name__}", flush=True)  # noqa: T201
                try:
                    await scenario(ctx)
                except Exception as error:  # a failed scenario is reported; the rest still run
                    failures.append(scenario.__name__)
                    ctx.record(scenario.__name__, failed=f"{type(error).__name__}: {error}"[:2000])
        measured_at = datetime.now(UTC).isoformat(timespec="seconds")
        report = {
            "measured_at": measured_at,
            "machine": f"{host.machine()}, {host.system()} {host.release()}, Python {host.python_version()}",
            "results": merged(previous_results(), [{**r, "measured_at": measured_at} for r in ctx.results]),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "latest.md").write_text(markdown(report))
    print(markdown(report))  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    # The bench databases have fixed names and two loads on two cores measure each other:
    # a second run waits for the first instead of sharing the machine with it.
    with (Path(tempfile.gettempdir()) / "jichi-bench.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        raise SystemExit(asyncio.run(main()))
