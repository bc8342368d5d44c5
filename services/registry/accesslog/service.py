"""Writing the access log in the reader's transaction, verifying its chain, the disclosure."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import chain, repository
from services.registry.accesslog.chain import LANES, Break, Entry, Provision, StoredEntry
from shared.values import utc_now
from shared.web.problems import ServiceUnavailable

_lanes = random.Random()  # noqa: S311 - spreads writers over lanes; nothing secret


@dataclass(slots=True)  # not frozen, like Entry: a bulk verification makes a thousand
class Provided:
    resident_code: str
    items: Sequence[str]


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The access log could not be written, so no personal data is provided; retry later.",
        slug="access-log-unavailable",
    )


def entries_of(
    provision: Provision, operation: str, items_by_resident: Mapping[str, str], recorded_at: datetime
) -> list[Entry]:
    """One entry per resident, each resident's items already comma-joined: a bulk verification
    makes a thousand, and building them through `Provided` and `entry_of` cost 0.85 us each
    against 0.25."""
    client_id, purpose, request_id = provision.client_id, provision.purpose, provision.request_id
    return [
        Entry(recorded_at, client_id, purpose, request_id, operation, resident_code, items)
        for resident_code, items in items_by_resident.items()
    ]


def entry_of(provision: Provision, operation: str, provided: Provided, recorded_at: datetime) -> Entry:
    return Entry(
        recorded_at=recorded_at,
        client_id=provision.client_id,
        purpose=provision.purpose,
        request_id=provision.request_id,
        operation=operation,
        resident_code=provided.resident_code,
        items=",".join(provided.items),
    )


async def record(
    session: AsyncSession, *, provision: Provision, operation: str, provided: Sequence[Provided]
) -> None:
    """Append one entry per resident provided; fails the request if the log cannot be written."""
    if not provided:
        return
    recorded_at = utc_now()
    entries = [entry_of(provision, operation, item, recorded_at) for item in provided]
    lane = _lanes.randrange(LANES)
    try:
        if len(entries) == 1 and session.get_bind().dialect.name == "postgresql":
            entry = entries[0]
            written = await repository.append_one_postgres(
                session,
                lane=lane,
                payload=chain.payload(entry),
                values=repository.values_of(entry),
            )
            if written != 1:
                raise unavailable()
            return
        await append_in_transaction(session, lane=lane, entries=entries)
    except SQLAlchemyError as error:
        raise unavailable() from error


async def append_in_transaction(session: AsyncSession, *, lane: int, entries: Sequence[Entry]) -> None:
    """Append `entries` to `lane` in the session's transaction, which holds the lane's head until
    it commits; 503 if the lane's head row is gone."""
    reserved = await repository.reserve(session, lane=lane, count=len(entries))
    if reserved is None:
        raise unavailable()
    first_sequence, previous = reserved
    hashes = chain.chain(previous, entries)
    await repository.insert_entries(session, repository.rows_of(lane, first_sequence, entries, hashes))
    await repository.set_head_hash(session, lane=lane, last_hash=hashes[-1])


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    entries_checked: int
    lanes_checked: int
    first_broken: tuple[int, Break] | None


def _stored(row: object) -> StoredEntry:
    return StoredEntry(
        entry_id=row.entry_id,  # type: ignore[attr-defined]
        sequence=row.sequence,  # type: ignore[attr-defined]
        hash=bytes(row.hash),  # type: ignore[attr-defined]
        entry=Entry(
            recorded_at=row.recorded_at,  # type: ignore[attr-defined]
            client_id=row.client_id,  # type: ignore[attr-defined]
            purpose=row.purpose,  # type: ignore[attr-defined]
            request_id=row.request_id,  # type: ignore[attr-defined]
            operation=row.operation,  # type: ignore[attr-defined]
            resident_code=row.resident_code,  # type: ignore[attr-defined]
            items=row.items,  # type: ignore[attr-defined]
        ),
    )


async def verify(session: AsyncSession) -> Verification:
    """Walk every lane from its genesis; report the earliest broken link (by entry id)."""
    heads = {row.lane: (int(row.sequence), bytes(row.last_hash)) for row in await repository.heads(session)}
    verifiers = {lane: chain.LaneVerifier() for lane in heads}
    checked = 0
    async for row in repository.stream_entries(session):
        checked += 1
        verifier = verifiers.get(row.lane)
        if verifier is None:
            verifier = verifiers[row.lane] = chain.LaneVerifier()
        verifier.feed(_stored(row))
    breaks: list[tuple[int, Break]] = []
    for lane, verifier in verifiers.items():
        head_sequence, head_hash = heads.get(lane, (-1, b""))
        found = verifier.finish(head_sequence=head_sequence, head_hash=head_hash)
        if found is not None:
            breaks.append((lane, found))
    breaks.sort(key=lambda item: (item[1].entry_id is None, item[1].entry_id or 0, item[0]))
    return Verification(
        valid=not breaks,
        entries_checked=checked,
        lanes_checked=len(verifiers),
        first_broken=breaks[0] if breaks else None,
    )
