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
