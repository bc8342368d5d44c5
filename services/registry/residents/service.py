"""The operations on residents: register, record events, look up, match, verify, extract.

Every read that provides personal data has its access-log entries committed before it
returns: the current-record lookup and bulk verification through the process's group-commit
writer (`accesslog.writer`), the others in their own transaction (`accesslog.service.record`).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import service as accesslog
from services.registry.accesslog.entries import Provision
from services.registry.accesslog.service import Provided
from services.registry.accesslog.writer import AccessLogWriter
from services.registry.codes import service as codes
from services.registry.feed import repository as feed_repository
from services.registry.feed import service as feed
from services.registry.residents import matching, repository, rules
from services.registry.residents.history import residence_periods
from services.registry.residents.identity import IdentityCipher
from services.registry.residents.keys import address_key, join_address, kana_key, name_key
from services.registry.residents.views import Visibility, address_document, resident_document
from services.registry.tables import residents
from shared.contracts.registry import (
    CorrectionRequest,
    DeathRequest,
    EventType,
    HouseholdAssignment,
    MoveInRequest,
    MoveOutRequest,
    MoveWithinRequest,
    ProvidedItem,
    RemovalRequest,
    ResidentRegistration,
    ResidentSearch,
    ResidentStatus,
    VerificationItem,
    VerificationOutcome,
)
from shared.db.engine import Database, plan_for_own_values
from shared.values import issue_resident_code, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint
from shared.web.problems import (
    Conflict,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    UnprocessableContent,
)

HEAD_RELATIONSHIP = "世帯主"


@dataclass(frozen=True, slots=True)
class Reader:
    """A caller reading personal data: what it may see, and the provision to log."""

    visibility: Visibility
    provision: Provision
    cipher: IdentityCipher


def _not_found(resident_code: str) -> NotFound:
    return resident_not_found()


def resident_not_found() -> NotFound:
    """No resident by that identifier (the answer never repeats it)."""
    return NotFound("No resident has this resident code.", slug="resident-not-found")


def _number(reader: Reader, record: Mapping[Any, Any]) -> str | None:
    ciphertext = record["individual_number_ciphertext"]
    if reader.visibility.identity and ciphertext is not None:
        return reader.cipher.decrypt(bytes(ciphertext))
    return None


def _open_state(record: Mapping[Any, Any]) -> dict[str, Any]:
    return {**repository.state_of(record), "valid_to": None}


def _timeline(
    past: Sequence[Mapping[Any, Any]], current: Mapping[Any, Any] | None
) -> list[Mapping[Any, Any]]:
    states = list(past)
    if current is not None:
        states.append(current)
    return sorted(states, key=lambda state: state["valid_from"])


async def _current_document(
    session: AsyncSession, row: Row[Any], reader: Reader
) -> tuple[dict[str, Any], list[str]]:
    past = []
    if reader.visibility.shows_history(row.protected):
        past = [
            version._mapping for version in await repository.believed_versions(session, [row.resident_code])
        ]
    return _document_of(row._mapping, past, reader)


def _document_of(
    record: Mapping[Any, Any], past: Sequence[Mapping[Any, Any]], reader: Reader
) -> tuple[dict[str, Any], list[str]]:
    protected = record["protected"]
    history = None
    if reader.visibility.shows_history(protected):
        history = residence_periods(_timeline(past, _open_state(record)))
    return resident_document(
        record,
        resident_code=record["resident_code"],
        version=record["version"],
        protected=protected,
        visibility=reader.visibility,
        individual_number=_number(reader, record),
        history=history,
    )


async def get_current_resident(
    database: Database, log: AccessLogWriter, *, resident_code: str, reader: Reader
) -> tuple[dict[str, Any], int]:
    """The record as it stands, read in one round trip; its log entry joins the next group commit."""
    found = await repository.current_with_past(database, resident_code, with_past=reader.visibility.history)
    if found is None:
        raise _not_found(resident_code)
    record, past = found
    document, items = _document_of(record, past, reader)
    await log.append(
        accesslog.entry_of(reader.provision, "get_resident", Provided(resident_code, items), utc_now())
    )
    return document, int(record["version"])


async def get_resident_as_of(
    session: AsyncSession,
    *,
    resident_code: str,
    reader: Reader,
    as_of: date | None,
    known_at: datetime | None,
) -> tuple[dict[str, Any], int]:
    """The record as it stood on `as_of` (default today) as known at `known_at` (default now)."""
    row = await repository.get(session, resident_code)
    if row is None:
        raise _not_found(resident_code)
    document, items = await _as_of_document(session, row, reader, as_of=as_of, known_at=known_at)
    await accesslog.record(
        session,
        provision=reader.provision,
        operation="get_resident_as_of",
        provided=[Provided(resident_code, items)],
    )
    return document, int(row.version)


async def _as_of_document(
    session: AsyncSession, row: Row[Any], reader: Reader, *, as_of: date | None, known_at: datetime | None
) -> tuple[dict[str, Any], list[str]]:
    now = utc_now()
    known = known_at if known_at is not None else now
    on = as_of or rules.japan_today(known)
    past = [
        version._mapping for version in await repository.versions_known_at(session, row.resident_code, known)
    ]
    current = _open_state(row._mapping) if row.recorded_at <= known else None
    timeline = _timeline(past, current)
    state = next(
        (s for s in timeline if s["valid_from"] <= on and (s["valid_to"] is None or on < s["valid_to"])),
        None,
    )
    if state is None:
        raise NotFound(
            f"The register held no record of this resident on {on.isoformat()} (as known then).",
            slug="no-record-on-date",
        )
    history = residence_periods(timeline) if reader.visibility.shows_history(row.protected) else None
    return resident_document(
        state,
        resident_code=row.resident_code,
        version=row.version,
        protected=row.protected,
        visibility=reader.visibility,
        individual_number=_number(reader, row._mapping),
        history=history,
        as_of=on,
        known_at=known,
    )


async def get_resident_by_number(
    session: AsyncSession, *, individual_number: str, reader: Reader
) -> tuple[dict[str, Any], int]:
    row = await repository.get_by_number_hash(session, reader.cipher.lookup_hash(individual_number))
    if row is None:
        raise NotFound("No resident has this individual number.", slug="resident-not-found")
    document, items = await _current_document(session, row, reader)
    await accesslog.record(
        session,
        provision=reader.provision,
        operation="find_resident_by_individual_number",
        provided=[Provided(row.resident_code, items)],
    )
    return document, int(row.version)


async def search(session: AsyncSession, *, query: ResidentSearch, reader: Reader) -> dict[str, Any]:
    keys = matching.QueryKeys.of(query)
    rows = await repository.candidates(
        session,
        name_keys=[(keys.date_of_birth, keys.name_key)] if keys.name_key else [],
        kana_keys=[(keys.date_of_birth, keys.kana_key)] if keys.kana_key else [],
    )
    visibility = reader.visibility
    ranked = matching.rank(
        keys,
        [row._mapping for row in rows],
        address_visible_for=lambda row: visibility.shows_address(row["protected"]),
    )[: query.limit]
    candidates = []
    provided = []
    for candidate in ranked:
        row = candidate.row
        document, items = resident_document(
            row,
            resident_code=row["resident_code"],
            version=row["version"],
            protected=row["protected"],
            visibility=Visibility(
                basic=True,
                address=visibility.address,
                identity=False,
                history=False,
                protected=visibility.protected,
            ),
        )
        candidates.append(
            {"resident": document, "score": candidate.score, "matched_items": candidate.matched}
        )
        provided.append(Provided(row["resident_code"], items))
    await accesslog.record(
        session, provision=reader.provision, operation="search_residents", provided=provided
    )
    return {"candidates": candidates}


# Plain strings: enum member lookups cost more than the rest of a verification item.
_OUTCOMES = {
    ResidentStatus.ACTIVE.value: VerificationOutcome.FOUND.value,
    ResidentStatus.MOVED_OUT.value: VerificationOutcome.MOVED_OUT.value,
    ResidentStatus.DECEASED.value: VerificationOutcome.DECEASED.value,
    ResidentStatus.REMOVED.value: VerificationOutcome.REMOVED.value,
}
# A verification's items as its access-log entries store them (comma-joined, sorted).
_STATUS_ONLY_ITEMS = ProvidedItem.STATUS.value
_STATUS_AND_ADDRESS_ITEMS = ",".join(sorted((ProvidedItem.STATUS.value, ProvidedItem.ADDRESS.value)))


@dataclass(slots=True)
class ByCode:
    """A verification item by resident code alone, checked already (see `bodies`): a thousand
    of these cost a quarter of what the request model's validation does."""

    resident_code: str
    reference: str | None = None
    individual_number: None = None
    four_items: None = None


async def verify(
    database: Database,
    log: AccessLogWriter,
    *,
    items: Sequence[VerificationItem | ByCode],
    reader: Reader,
) -> dict[str, Any]:
    """Up to 1,000 records in one round of set-based queries (by code, number, four items);
    items by code alone are read without a transaction, the others in one read-only session."""
    hashes = {
        index: reader.cipher.lookup_hash(item.individual_number)
        for index, item in enumerate(items)
        if item.individual_number is not None
    }
    four = {
        index: matching.QueryKeys.of(item.four_items)
        for index, item in enumerate(items)
        if item.four_items is not None
    }
    by_code = {
        row["resident_code"]: row
        for row in await repository.verification_rows(
            database, {item.resident_code for item in items if item.resident_code is not None}
        )
    }
    by_hash: dict[bytes, Mapping[Any, Any]] = {}
    by_birth: dict[date, list[Mapping[Any, Any]]] = defaultdict(list)
    if hashes or four:
        async with database.sessionmaker() as session:
            for row in await repository.get_many_by_number_hash(session, set(hashes.values())):
                by_hash[bytes(row.individual_number_hash)] = row._mapping
            candidate_rows = await repository.candidates(
                session,
                name_keys={(keys.date_of_birth, keys.name_key) for keys in four.values() if keys.name_key},
                kana_keys={(keys.date_of_birth, keys.kana_key) for keys in four.values() if keys.kana_key},
            )
        for row in candidate_rows:
            by_birth[row.date_of_birth].append(row._mapping)
    visibility = reader.visibility
    results: list[dict[str, Any]] = []
    items_provided: dict[str, str] = {}
    for index, item in enumerate(items):
        result: dict[str, Any] = {"index": index, "reference": item.reference}
        found: Mapping[Any, Any] | None = None
        if item.resident_code is not None:
            found = by_code.get(item.resident_code)
        elif index in hashes:
            found = by_hash.get(hashes[index])
        else:
            keys = four[index]
            ranked = matching.rank(
                keys,
                by_birth.get(keys.date_of_birth, []),
                address_visible_for=lambda row: visibility.shows_address(row["protected"]),
            )
            best = matching.unique_best(ranked)
            if best is not None:
                found = best.row
            elif ranked:
                result.update(outcome=VerificationOutcome.AMBIGUOUS.value, candidate_count=len(ranked))
                results.append(result)
                continue
        if found is None:
            result["outcome"] = VerificationOutcome.NOT_FOUND.value
            results.append(result)
            continue
        code = found["resident_code"]
        status = found["status"]
        result["outcome"] = _OUTCOMES[status]
        result["resident_code"] = code
        result["status_since_date"] = found["status_since"].isoformat() if status != "active" else None
        if visibility.shows_address(found["protected"]):
            result["address"] = address_document(found)
            items_provided[code] = _STATUS_AND_ADDRESS_ITEMS
        else:
            items_provided.setdefault(code, _STATUS_ONLY_ITEMS)
        results.append(result)
    await log.append_all(
        accesslog.entries_of(reader.provision, "verify_residents", items_provided, utc_now())
    )
    return {"results": results}


async def extract_page(
    session: AsyncSession,
    *,
    local_government_code: str,
    statuses: Sequence[str],
    resided_since: date | None,
    page: PageRequest,
    reader: Reader,
) -> dict[str, Any]:
    """One page of a municipality's residents (protected ones only for registry:protected)."""
    await codes.require_known(session, local_government_code)
    visibility = reader.visibility
    feed_cursor = await feed.head(session)
    # A generic plan of the extract's union reads far more of the register than a plan for
    # this page's own values: a consumer paging through slowed after page five.
    await plan_for_own_values(session)
    statement = repository.extract_statement(
        local_government_code=local_government_code,
        statuses=statuses,
        resided_since=resided_since,
        include_protected=visibility.protected,
    )
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[residents.c.resident_code],
        page=page,
        fingerprint=query_fingerprint(
            "list_residents",
            local_government_code=local_government_code,
            statuses=sorted(statuses),
            resided_since=resided_since,
        ),
        position_of=lambda row: [row.resident_code],
    )
    histories: dict[str, list[Mapping[Any, Any]]] = defaultdict(list)
    if visibility.history:
        for version in await repository.believed_versions(session, [row.resident_code for row in rows]):
            histories[version.resident_code].append(version._mapping)
    documents = []
    provided = []
    for row in rows:
        history = None
        if visibility.shows_history(row.protected):
            history = residence_periods(
                sorted([*histories[row.resident_code], _open_state(row._mapping)], key=_by_start)
            )
        document, items = resident_document(
            row._mapping,
            resident_code=row.resident_code,
            version=row.version,
            protected=row.protected,
            visibility=visibility,
            individual_number=_number(reader, row._mapping),
            history=history,
        )
        documents.append(document)
        provided.append(Provided(row.resident_code, items))
    await accesslog.record(session, provision=reader.provision, operation="list_residents", provided=provided)
    return {"items": documents, "next_page_token": token, "feed_cursor": feed_cursor}


def _by_start(state: Mapping[Any, Any]) -> date:
    start: date = state["valid_from"]
    return start


async def events_page(
    session: AsyncSession, *, resident_code: str, page: PageRequest, reader: Reader
) -> dict[str, Any]:
    if await repository.get(session, resident_code) is None:
        raise _not_found(resident_code)
    rows, token = await keyset_page(
        session,
        feed_repository.resident_events_statement(resident_code),
        sort_columns=[feed_repository.events.c.sequence],
        page=page,
        fingerprint=query_fingerprint("list_resident_events", resident_code=resident_code),
        position_of=lambda row: [row.sequence],
    )
    documents = []
    given: set[str] = set()
    for row in rows:
        document, items = feed.event_document(
            row._mapping, visibility=reader.visibility, protected=row.protected
        )
        documents.append(document)
        given.update(items)
    await accesslog.record(
        session,
        provision=reader.provision,
        operation="list_resident_events",
        provided=[Provided(resident_code, sorted(given))] if rows else [],
    )
    return {"items": documents, "next_page_token": token}


# --- writes ----------------------------------------------------------------------------------


def new_household_id() -> str:
    return "H" + "".join(secrets.choice("0123456789") for _ in range(12))


async def _household(
    session: AsyncSession, assignment: HouseholdAssignment | None, resident_code: str, *, new_residence: bool
) -> rules.HouseholdChoice | None:
    if assignment is None:
        if not new_residence:
            return None
        return rules.HouseholdChoice(new_household_id(), resident_code, HEAD_RELATIONSHIP)
    head = assignment.head_resident_code or resident_code
    if head != resident_code and not await repository.household_head_exists(
        session, head, assignment.household_id
    ):
        raise UnprocessableContent(
            "The household head is not a resident of that household.", slug="unknown-household-head"
        )
    return rules.HouseholdChoice(assignment.household_id or new_household_id(), head, assignment.relationship)


@dataclass(frozen=True, slots=True)
class Writer:
    client_id: str
    limits: rules.DateLimits
    cipher: IdentityCipher


async def register(
    session: AsyncSession, *, request: ResidentRegistration, writer: Writer
) -> tuple[dict[str, Any], int]:
    rules.check_registration(request.event_type, request.effective_date, request.date_of_birth, writer.limits)
    rules.check_foreign_status(request.nationality, request.foreign_resident)
    await codes.require_residence_code(
        session, request.address.local_government_code, on=request.effective_date
    )
    number_hash = None
    ciphertext = None
    if request.individual_number is not None:
        number_hash = writer.cipher.lookup_hash(request.individual_number)
        if await repository.number_hash_taken(session, number_hash):
            raise Conflict(
                "A resident with this individual number is registered.", slug="individual-number-registered"
            )
        ciphertext = writer.cipher.encrypt(request.individual_number)
    now = utc_now()
    effective = request.effective_date
    address = join_address(request.address.address_lines)
    foreign = request.foreign_resident
    duplicates = await repository.four_item_count(
        session,
        name_key=name_key(request.family_name, request.given_name),
        date_of_birth=request.date_of_birth,
        sex=request.sex.value,
        address_key=address_key(address),
    )
    state: dict[str, Any] = {
        "family_name": request.family_name,
        "given_name": request.given_name,
        "family_name_kana": request.family_name_kana,
        "given_name_kana": request.given_name_kana,
        "former_family_name": request.former_family_name,
        "alias": request.alias,
        "name_key": name_key(request.family_name, request.given_name),
        "kana_key": kana_key(request.family_name_kana, request.given_name_kana),
        "date_of_birth": request.date_of_birth,
        "sex": request.sex.value,
        "nationality": request.nationality,
        "status_of_residence": foreign.status_of_residence if foreign else None,
        "period_of_stay_until": foreign.period_of_stay_until_date if foreign else None,
        "local_government_code": request.address.local_government_code,
        "address": address,
        "address_key": address_key(address),
        "address_since": effective,
        "address_reason": request.event_type,
        "from_abroad": request.event_type == "move_in" and request.from_abroad,
        "status": ResidentStatus.ACTIVE.value,
        "status_since": effective,
        "event_type": request.event_type,
        "valid_from": effective,
        "recorded_at": now,
    }
    for _attempt in range(5):
        resident_code = issue_resident_code()
        household = await _household(session, request.household, resident_code, new_residence=True)
        assert household is not None
        state.update(
            household_id=household.household_id,
            household_head_code=household.head_resident_code,
            relationship=household.relationship,
        )
        values = {
            **state,
            "resident_code": resident_code,
            "individual_number_hash": number_hash,
            "individual_number_ciphertext": ciphertext,
            "protected": False,
            "version": 1,
        }
        if await repository.insert_resident(session, values):
            break
        if number_hash is not None and await repository.number_hash_taken(session, number_hash):
            raise Conflict(
                "A resident with this individual number is registered.", slug="individual-number-registered"
            )
    else:
        raise ServiceUnavailable(
            "Could not issue a unique resident code; retry.", slug="resident-code-exhausted"
        )
    event = await feed.append(
        session,
        resident_code=resident_code,
        event_type=request.event_type,
        effective_date=effective,
        recorded_at=now,
        recorded_by=writer.client_id,
        resident_version=1,
        state=state,
        to_local_government_code=request.address.local_government_code,
        from_abroad=state["from_abroad"] if request.event_type == "move_in" else None,
    )
    document, _ = feed.event_document(event, visibility=None, protected=False)
    return {
        "resident_code": resident_code,
        "version": 1,
        "event": document,
        "warnings": _duplicate_warnings(duplicates),
    }, 1


def _duplicate_warnings(count: int) -> list[dict[str, Any]]:
    """The four-item duplicate check: a warning, never a refusal and never a merge (two people
    can share all four items; one person registered twice is corrected by a clerk)."""
    if count == 0:
        return []
    return [
        {
            "type": "possible-duplicate",
            "detail": f"{count} registered resident(s) have the same name, date of birth, sex and "
            "address; the new record was made: check with POST /residents/matches.",
            "matching_residents": count,
        }
    ]


async def record_event(
    session: AsyncSession,
    *,
    resident_code: str,
    event: rules.EventRequest,
    if_match: str | None,
    writer: Writer,
) -> tuple[dict[str, Any], int]:
    row = await repository.get(session, resident_code)
    if row is None:
        raise _not_found(resident_code)
    check_if_match(if_match, row.version)
    current = repository.state_of(row._mapping)
    registered_since = current["valid_from"]
    if isinstance(event, CorrectionRequest):
        registered_since = await repository.registered_since(session, resident_code, current["valid_from"])
    rules.check_event(current, event, writer.limits, registered_since=registered_since)
    if isinstance(event, (MoveInRequest, MoveWithinRequest)):
        await codes.require_residence_code(
            session, event.address.local_government_code, on=event.effective_date
        )
    if isinstance(event, MoveOutRequest) and event.to_local_government_code is not None:
        await codes.require_residence_code(session, event.to_local_government_code, on=event.effective_date)
    now = utc_now()
    superseded: list[int] = []
    moves: dict[str, Any] = {}
    corrected_items: list[str] | None = None
    reason = None
    if isinstance(event, CorrectionRequest):
        if event.items.address is not None:
            await codes.require_residence_code(
                session, event.items.address.local_government_code, on=event.effective_date
            )
        overlapping = await repository.overlapping_versions(session, resident_code, event.effective_date)
        correction = rules.correct(
            [
                {**repository.state_of(v._mapping), "valid_to": v.valid_to, "version_id": v.version_id}
                for v in overlapping
            ],
            current,
            event,
            recorded_at=now,
        )
        new_state, new_versions, superseded = (
            correction.current,
            correction.new_versions,
            correction.superseded_version_ids,
        )
        corrected_items, reason = correction.corrected_items, event.reason
        if event.items.address is not None:
            moves = {
                "from_local_government_code": current["local_government_code"],
                "to_local_government_code": new_state["local_government_code"],
            }
    else:
        household = await _household(
            session,
            getattr(event, "household", None),
            resident_code,
            new_residence=isinstance(event, MoveInRequest),
        )
        new_state = rules.apply_event(current, event, recorded_at=now, household=household)
        new_versions = rules.supersede(current, effective=event.effective_date, recorded_at=now)
        moves = _moves(current, event)
        if isinstance(event, RemovalRequest):
            reason = event.reason
    if not await repository.update_current(
        session, resident_code, expected_version=row.version, values=new_state
    ):
        raise PreconditionFailed(
            "The resident was changed by another request at the same time; read it again.",
            slug="etag-mismatch",
        )
    await repository.supersede_versions(session, superseded, now)
    await repository.insert_versions(session, resident_code, new_versions)
    stored = await feed.append(
        session,
        resident_code=resident_code,
        event_type=event.type,
        effective_date=event.effective_date,
        recorded_at=now,
        recorded_by=writer.client_id,
        resident_version=row.version + 1,
        state=new_state,
        corrected_items=corrected_items,
        reason=reason,
        **moves,
    )
    document, _ = feed.event_document(stored, visibility=None, protected=row.protected)
    return document, int(row.version) + 1


def _moves(current: Mapping[Any, Any], event: rules.EventRequest) -> dict[str, Any]:
    here = current["local_government_code"]
    if isinstance(event, MoveInRequest):
        return {
            "from_local_government_code": None if event.from_abroad else here,
            "to_local_government_code": event.address.local_government_code,
            "from_abroad": event.from_abroad,
        }
    if isinstance(event, MoveOutRequest):
        return {
            "from_local_government_code": here,
            "to_local_government_code": event.to_local_government_code,
            "to_abroad": event.to_abroad,
        }
    if isinstance(event, MoveWithinRequest):
        return {"from_local_government_code": here, "to_local_government_code": here}
    if isinstance(event, (DeathRequest, RemovalRequest)):
        return {"from_local_government_code": here}
    return {}


async def set_protection(
    session: AsyncSession, *, resident_code: str, active: bool, if_match: str | None
) -> tuple[dict[str, Any], int]:
    row = await repository.get(session, resident_code)
    if row is None:
        raise _not_found(resident_code)
    check_if_match(if_match, row.version)
    if not await repository.set_protection(
        session, resident_code, expected_version=row.version, active=active
    ):
        raise PreconditionFailed(
            "The resident was changed by another request at the same time; read it again.",
            slug="etag-mismatch",
        )
    return {"active": active}, int(row.version) + 1


async def change_code(
    session: AsyncSession,
    *,
    resident_code: str,
    effective_date: date,
    if_match: str | None,
    writer: Writer,
) -> tuple[dict[str, Any], int]:
    """住民票コードの変更 on the resident's request: a new code is issued (never chosen, never one
    used before), the whole record moves to it, and the old one resolves to nothing."""
    row = await repository.get(session, resident_code)
    if row is None:
        raise _not_found(resident_code)
    check_if_match(if_match, row.version)
    record = dict(row._mapping)
    rules.check_not_future(EventType.RESIDENT_CODE_CHANGE, effective_date, writer.limits)
    if record["status"] != ResidentStatus.ACTIVE:
        raise Conflict(
            f"A resident code is changed for a registered resident; this one is {record['status']}.",
            slug="resident-not-active",
        )
    if not await repository.release_number(session, resident_code, expected_version=row.version):
        raise PreconditionFailed(
            "The resident was changed by another request at the same time; read it again.",
            slug="etag-mismatch",
        )
    version = row.version + 1
    for _attempt in range(5):
        new_code = issue_resident_code()
        if new_code == resident_code or await repository.former_code_used(session, new_code):
            continue
        if await repository.insert_resident(
            session, {**record, "resident_code": new_code, "version": version}
        ):
            break
    else:
        raise ServiceUnavailable(
            "Could not issue a unique resident code; retry.", slug="resident-code-exhausted"
        )
    now = utc_now()
    await repository.move_record(
        session,
        former=resident_code,
        new=new_code,
        effective=effective_date,
        recorded_at=now,
        recorded_by=writer.client_id,
    )
    state = repository.state_of(record)
    if state["household_head_code"] == resident_code:
        state["household_head_code"] = new_code
    event = await feed.append(
        session,
        resident_code=new_code,
        event_type=EventType.RESIDENT_CODE_CHANGE.value,
        effective_date=effective_date,
        recorded_at=now,
        recorded_by=writer.client_id,
        resident_version=version,
        state=state,
        former_resident_code=resident_code,
    )
    document, _ = feed.event_document(event, visibility=None, protected=record["protected"])
    return {
        "resident_code": new_code,
        "former_resident_code": resident_code,
        "version": version,
        "event": document,
    }, version
