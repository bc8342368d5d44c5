"""The code master in memory: reference data that changes only when a dated change is recorded.

Every code's document is built once per version of the master, so a lookup is a dict read. The
version is the id of the latest recorded change (0 before any): it is each document's ETag and
what tells a replica its copy is old. The replica that records a change reloads once its answer
is sent (after the commit); every replica also compares the recorded version with its own every
`code_master_refresh_seconds` (one indexed `max()` of a small table) and reloads when they differ,
so a change recorded elsewhere is served everywhere within that interval.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import structlog

from services.registry.codes import repository, rules
from shared.db.engine import Database
from shared.web.problems import NotFound

log = structlog.get_logger("jichi.registry.codes")

_MAX_SUCCESSION_DEPTH = 20


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def unknown_code(code: str) -> NotFound:
    return NotFound(f"No local government has the code {code}.", slug="unknown-local-government-code")


def documents_of(
    rows: Sequence[Mapping[Any, Any]], links: Sequence[Mapping[Any, Any]]
) -> list[dict[str, Any]]:
    """The published documents of `rows`, with the successions among `links` that name them."""
    successors: dict[str, list[str]] = defaultdict(list)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for link in links:
        successors[link["code"]].append(link["successor_code"])
        predecessors[link["successor_code"]].append(link["code"])
    return [
        {
            "code": row["code"],
            "prefecture": row["prefecture"],
            "prefecture_kana": row["prefecture_kana"],
            "name": row["name"],
            "name_kana": row["name_kana"],
            "kind": row["kind"],
            "from_date": _iso(row["from_date"]),
            "to_date": _iso(row["to_date"]),
            "successor_codes": sorted(successors[row["code"]]),
            "predecessor_codes": sorted(predecessors[row["code"]]),
        }
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One version of the master; pure lookups, no I/O."""

    version: int
    rows: Mapping[str, Mapping[str, Any]]
    documents: Mapping[str, dict[str, Any]]

    @classmethod
    def of(
        cls, version: int, rows: Sequence[Mapping[Any, Any]], links: Sequence[Mapping[Any, Any]]
    ) -> Snapshot:
        documents = documents_of(rows, links)
        return cls(
            version=version,
            rows={row["code"]: row for row in rows},
            documents={document["code"]: document for document in documents},
        )

    def get(self, code: str, *, as_of: date | None) -> dict[str, Any]:
        row = self.rows.get(code)
        if row is None:
            raise unknown_code(code)
        document = self.documents[code]
        if as_of is not None and not rules.in_force(row, as_of):
            raise NotFound(
                f"{code} is not in force on {as_of.isoformat()}.",
                slug="code-not-in-force",
                from_date=document["from_date"],
                to_date=document["to_date"],
                successor_codes=document["successor_codes"],
            )
        return document

    def successors_in_force(self, code: str, *, on: date) -> list[dict[str, Any]]:
        """The codes in force on `on` that a code's body became (itself, if still in force)."""
        if code not in self.rows:
            raise unknown_code(code)
        found: set[str] = set()
        frontier = [code]
        seen = {code}
        for _ in range(_MAX_SUCCESSION_DEPTH):
            if not frontier:
                break
            following: list[str] = []
            for current in frontier:
                if rules.in_force(self.rows[current], on):
                    found.add(current)
                else:
                    following.extend(
                        target
                        for target in self.documents[current]["successor_codes"]
                        if target not in seen and target in self.rows
                    )
            seen.update(following)
            frontier = following
        return [self.documents[found_code] for found_code in sorted(found)]


class CodeMaster:
    """The latest snapshot of the master, reloaded when a change is recorded here or elsewhere."""

    def __init__(self, database: Database, *, refresh_seconds: float) -> None:
        self.database = database
        self.refresh_seconds = refresh_seconds
        self.snapshot = Snapshot(version=-1, rows={}, documents={})
        self._reloading = asyncio.Lock()

    async def reload(self) -> None:
        """Read the master again; the version first, so that a change recorded during the read
        at worst makes the next check reload once more."""
        async with self._reloading:
            async with self.database.engine.connect() as connection:
                version = await repository.master_version(connection)
                rows = await repository.all_codes(connection)
                links = await repository.all_successions(connection)
            self.snapshot = Snapshot.of(version, rows, links)

    async def reload_if_changed(self) -> None:
        async with self.database.engine.connect() as connection:
            version = await repository.master_version(connection)
        if version != self.snapshot.version:
            await self.reload()

    @contextlib.asynccontextmanager
    async def following_changes(self) -> AsyncIterator[None]:
        """Loaded now, and compared with the recorded version in the background while open."""
        await self.reload()
        task = asyncio.create_task(self._follow()) if self.refresh_seconds > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                await self.reload_if_changed()
            except Exception as error:  # the database is away: keep serving the copy held
                log.warning("code_master_refresh_failed", error=type(error).__name__)
