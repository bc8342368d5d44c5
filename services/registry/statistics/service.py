"""The statistics' operations: check the request, aggregate in SQL, suppress small cells."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.codes.master import Snapshot
from services.registry.statistics import repository, rules
from shared.web.problems import UnprocessableContent


def known_codes(snapshot: Snapshot, codes: Sequence[str] | None) -> list[str] | None:
    """The codes asked for, each known to the code master (in force or retired: a retired code
    is reported for the dates it was in use); 404 `unknown-local-government-code` otherwise."""
    if codes is None:
        return None
    for code in codes:
        snapshot.get(code, as_of=None)
    return sorted(set(codes))


async def population(
    session: AsyncSession, on: date, codes: list[str] | None, *, min_cell: int
) -> dict[str, Any]:
    counts = await repository.population_counts(session, on, codes)
    households = await repository.household_counts(session, on, codes)
    return rules.population_document(on, counts, households, min_cell=min_cell, codes=codes)


async def movements(
    session: AsyncSession, from_date: date, to_date: date, codes: list[str] | None, *, min_cell: int
) -> dict[str, Any]:
    if to_date <= from_date:
        raise UnprocessableContent(
            f"The period's end ({to_date.isoformat()}, exclusive) must come after its start "
            f"({from_date.isoformat()}).",
            slug="invalid-period",
        )
    counts = await repository.flow_counts(session, from_date, to_date, codes)
    return rules.flows_document(from_date, to_date, counts, min_cell=min_cell, codes=codes)
