"""Appending events to the outbox, and showing them to a caller."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import service as accesslog
from services.registry.accesslog.entries import Provision
from services.registry.accesslog.service import Provided
from services.registry.feed import repository
from services.registry.pseudonyms.codec import Identifiers
from services.registry.residents.views import Visibility, resident_document
from services.registry.tables import STATE_COLUMNS
from shared.contracts.registry import EventType, ProvidedItem
from shared.values import to_rfc3339

_SNAPSHOT_LEAVES_OUT = frozenset(
    {"name_key", "kana_key", "address_key", "valid_from", "recorded_at", "event_type"}
)
SNAPSHOT_COLUMNS = tuple(name for name in STATE_COLUMNS if name not in _SNAPSHOT_LEAVES_OUT)


def snapshot(state: Mapping[Any, Any]) -> dict[str, Any]:
    """The record right after an event, as stored with it (no matching keys, no individual number)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in state.items()
        if name not in _SNAPSHOT_LEAVES_OUT
    }


async def append(
    session: AsyncSession,
    *,
    resident_code: str,
    event_type: str,
    effective_date: date,
    recorded_at: datetime,
    recorded_by: str,
    resident_version: int,
    state: Mapping[Any, Any],
    from_local_government_code: str | None = None,
    to_local_government_code: str | None = None,
    from_abroad: bool | None = None,
    to_abroad: bool | None = None,
    corrected_items: Sequence[str] | None = None,
    reason: str | None = None,
    former_resident_code: str | None = None,
) -> dict[str, Any]:
    """Write the event in the caller's transaction; returns the stored row's values."""
    values: dict[str, Any] = {
        "sequence": await repository.next_sequence(session),
        "resident_code": resident_code,
        "type": event_type,
        "effective_date": effective_date,
        "recorded_at": recorded_at,
        "recorded_by": recorded_by,
        "resident_version": resident_version,
        "from_local_government_code": from_local_government_code,
        "to_local_government_code": to_local_government_code,
        "from_abroad": from_abroad,
        "to_abroad": to_abroad,
        "corrected_items": list(corrected_items) if corrected_items is not None else None,
        "reason": reason,
        "former_resident_code": former_resident_code,
        "snapshot": snapshot(state),
    }
    await repository.insert_event(session, values)
    return values


def event_document(
    event: Mapping[Any, Any], *, visibility: Visibility | None, protected: bool
) -> tuple[dict[str, Any], list[str]]:
    """An event as the caller may see it; `visibility` None leaves out the resident snapshot
    and addresses (the answer to the writer who recorded it)."""
    document: dict[str, Any] = {
        "sequence": event["sequence"],
        "type": event["type"],
        "resident_code": event["resident_code"],
        "effective_date": event["effective_date"].isoformat(),
        "recorded_at": to_rfc3339(event["recorded_at"]),
        "resident_version": event["resident_version"],
    }
    items = [ProvidedItem.STATUS.value]
    if event["corrected_items"] is not None:
        document["corrected_items"] = event["corrected_items"]
    if event["corrected_items"] is not None or event["reason"] is not None:
        document["reason"] = event["reason"]
    if event.get("former_resident_code") is not None:
        document["former_resident_code"] = event["former_resident_code"]
    if visibility is None or visibility.shows_address(protected):
        document.update(
            from_local_government_code=event["from_local_government_code"],
            to_local_government_code=event["to_local_government_code"],
            from_abroad=event["from_abroad"],
            to_abroad=event["to_abroad"],
        )
        if visibility is not None:
            items.append(ProvidedItem.ADDRESS.value)
    if visibility is not None and visibility.basic:
        resident, provided = resident_document(
            event["snapshot"],
            resident_code=event["resident_code"],
            version=event["resident_version"],
            protected=protected,
            visibility=Visibility(
                basic=True,
                address=visibility.address,
                identity=False,
                history=False,
                protected=visibility.protected,
            ),
        )
        document["resident"] = resident
        items.extend(item for item in provided if item not in items)
    return document, items


async def head(session: AsyncSession) -> int:
    return await repository.head(session)


async def events_page(
    session: AsyncSession,
    *,
    after: int,
    limit: int,
    visibility: Visibility,
    provision: Provision,
    identifiers: Identifiers | None = None,
    types: Collection[EventType] | None = None,
) -> dict[str, Any]:
    """The events after a cursor as the caller may see them; what they provide is logged.

    With `types`, only events of those types, and the cursor moves past the others: to the head the
    page was read up to once none is left (read first, so every event up to it is committed)."""
    until = await repository.head(session) if types else None
    rows = await repository.events_after(
        session, after=after, limit=limit + 1, types=types or None, until=until
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    documents = []
    provided = []
    for row in rows:
        document, items = event_document(row._mapping, visibility=visibility, protected=row.protected)
        if identifiers is not None and identifiers.pseudonymous:
            identifiers.rename(document)
        documents.append(document)
        provided.append(Provided(row.resident_code, items))
    await accesslog.record(session, provision=provision, operation="list_events", provided=provided)
    next_cursor = rows[-1].sequence if rows else after
    if until is not None and not has_more:
        next_cursor = max(next_cursor, until)
    return {"items": documents, "next_cursor": next_cursor, "has_more": has_more}
