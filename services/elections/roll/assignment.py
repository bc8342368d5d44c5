"""Assigning voters to polling stations by address area (also after a station is added)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.elections.roll import repository
from services.elections.setup import repository as setup_repository
from services.elections.setup.rules import StationIndex


async def reassign_stations(
    *, session: AsyncSession, election_id: int, municipality: str, areas: list[str]
) -> int:
    """After a station is added: voters whose address falls in its areas move to it (or stay where a
    longer area already placed them). Returns how many voters changed station."""
    index = StationIndex(await setup_repository.station_areas(session, election_id, municipality))
    changed = {
        row.resident_code: index.station_for(row.address)
        for row in await repository.voters_with_address_prefix(session, election_id, municipality, areas)
        if index.station_for(row.address) != row.station_id
    }
    await repository.assign_stations(session, election_id, changed)
    return len(changed)
