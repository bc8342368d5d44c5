"""CPU time of a process and its children, read from /proc: what one proxied request costs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU of the process and every descendant alive now."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return total


def parent_of(pid: int) -> int:
    """The process's parent, from /proc (a database backend's parent is the server's main process)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@dataclass
class CpuUse:
    seconds: float = 0.0

    def per_request_us(self, requests: int) -> float:
        return round(self.seconds / max(1, requests) * 1_000_000, 1)


@asynccontextmanager
async def cpu_of(pid: int) -> AsyncIterator[CpuUse]:
    use = CpuUse()
    before = tree_cpu_seconds(pid)
    try:
        yield use
    finally:
        use.seconds = tree_cpu_seconds(pid) - before


@dataclass(frozen=True)
class MachineUse:
    """What the whole machine's CPUs did over a span, from /proc/stat: busy and stolen (by the
    hypervisor) cores on average. A load that leaves cores idle is waiting on something else."""

    busy_cores: float
    stolen_cores: float


def _machine_ticks() -> tuple[int, int, int]:
    """Busy, stolen and all ticks of every CPU since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal, sum(fields[:8])


@asynccontextmanager
async def machine_use() -> AsyncIterator[list[MachineUse]]:
    """The machine's use over the block, appended to the yielded list when the block ends."""
    spans: list[MachineUse] = []
    busy, stolen, total = _machine_ticks()
    try:
        yield spans
    finally:
        busy_after, stolen_after, total_after = _machine_ticks()
        cores = os.cpu_count() or 1
        elapsed = max(1, total_after - total) / cores
        spans.append(
            MachineUse(
                busy_cores=round((busy_after - busy) / elapsed, 2),
                stolen_cores=round((stolen_after - stolen) / elapsed, 2),
            )
        )
