"""`make bench`: start the platform on PostgreSQL, drive load with wrk, write a JSON and a markdown report.

Every figure is reported as a ratio to a baseline measured in the same run (these machines are
shared and noisy): see README.md, "Benchmarks".
"""

from __future__ import annotations

import asyncio
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
        f"Measured {report['measured_at']} on {report['machine']}. Ratios compare figures of the same run.",
        "",
    ]
    for result in report["results"]:
        lines.append(f"## {result['scenario']}")
        lines.append("")
        lines += [f"- **{key}**: {value}" for key, value in result.items() if key != "scenario"]
        lines.append("")
    return "\n".join(lines)


async def main() -> int:
    ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="jichi-bench-") as folder:
        work_dir = Path(folder)
        selected = set(sys.argv[1:])
        async with bench_platform(work_dir) as ctx:
            for scenario in SCENARIOS:
                if selected and scenario.__name__ not in selected:
                    continue
                print(f"scenario {scenario.__name__}", flush=True)  # noqa: T201
                await scenario(ctx)
        report = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{host.machine()}, {host.system()} {host.release()}, Python {host.python_version()}",
            "results": ctx.results,
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "latest.md").write_text(markdown(report))
    print(markdown(report))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
