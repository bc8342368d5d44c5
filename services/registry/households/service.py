"""Household reads and events: 世帯主変更, 世帯合併, 世帯分離.

A household event changes the records of the members it concerns: each gets a new state (its
household, head and 続柄) from the effective date on, the state before it kept as usual
(`residents.rules.supersede`), and a life event in the change feed, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import service as accesslog
from services.registry.accesslog.service import Provided
from services.registry.feed import service as feed
from services.registry.households import repository, rules
from services.registry.residents import repository as residents
from services.registry.residents import rules as resident_rules
from services.registry.residents.service import Reader, Writer, new_household_id
from services.registry.residents.views import address_document
from shared.contracts.registry import (
    EventType,
    HeadChangeRequest,
    HouseholdEventRequest,
    HouseholdMergerRequest,
    ProvidedItem,
)
from shared.values import utc_now
from shared.web.etag import check_if_match_etag
from shared.web.problems import PreconditionFailed, UnprocessableContent

_MEMBER_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "sex")


async def get_household(
    session: AsyncSession, *, household_id: str, reader: Reader
) -> tuple[dict[str, Any], str]:
    """The household's active members the caller may see (protected ones need registry:protected),
    each provision logged; 404 when none is visible."""
    rows = [row._mapping for row in await repository.members(session, household_id)]
    visible = [row for row in rows if reader.visibility.protected or not row["protected"]]
    if not visible:
        raise rules.household_not_found()
    head = rules.head_of(rows)
    visible.sort(key=lambda row: (row["resident_code"] != head, row["resident_code"]))
    members = [
        {
            "resident_code": row["resident_code"],
            **{name: row[name] for name in _MEMBER_FIELDS},
            "date_of_birth": row["date_of_birth"].isoformat(),
            "relationship": row["relationship"],
        }
        for row in visible
    ]
    document: dict[str, Any] = {"household_id": household_id, "head_resident_code": head, "members": members}
    if visible[0]["resident_code"] == head:
        document["address"] = address_document(visible[0])
    items = [ProvidedItem.BASIC.value, ProvidedItem.ADDRESS.value]
    await accesslog.record(
        session,
        provision=reader.provision,
        operation="get_household",
        provided=[Provided(row["resident_code"], items) for row in visible],
    )
    return document, rules.etag_of(rows)


@dataclass(frozen=True, slots=True)
class _Plan:
    assignments: list[rules.Assignment]
    rows: dict[str, Mapping[Any, Any]]


async def record_event(
    session: AsyncSession,
    *,
    household_id: str,
    event: HouseholdEventRequest,
    if_match: str | None,
    writer: Writer,
) -> tuple[dict[str, Any], str]:
    members = [row._mapping for row in await repository.members(session, household_id, for_update=True)]
    if not members:
        raise rules.household_not_found()
    check_if_match_etag(if_match, rules.etag_of(members))
    plan = await _plan(session, household_id, members, event)
    now = utc_now()
    events = []
    changed: dict[str, list[dict[str, Any]]] = {}
    for assignment in plan.assignments:
        row = plan.rows[assignment.resident_code]
        _check_date(row, event.effective_date, writer)
        current = residents.state_of(row)
        new_state = {
            **current,
            "household_id": assignment.household_id,
            "household_head_code": assignment.head_resident_code,
            "relationship": assignment.relationship,
            "event_type": event.type,
            "valid_from": event.effective_date,
            "recorded_at": now,
        }
        code = assignment.resident_code
        if not await residents.update_current(
            session, code, expected_version=row["version"], values=new_state
        ):
            raise PreconditionFailed(
                "A member was changed by another request at the same time; read the household again.",
                slug="etag-mismatch",
            )
        await residents.insert_versions(
            session, code, resident_rules.supersede(current, effective=event.effective_date, recorded_at=now)
        )
        stored = await feed.append(
            session,
            resident_code=code,
            event_type=event.type,
            effective_date=event.effective_date,
            recorded_at=now,
            recorded_by=writer.client_id,
            resident_version=row["version"] + 1,
            state=new_state,
        )
        document, _ = feed.event_document(stored, visibility=None, protected=row["protected"])
        events.append(document)
        changed.setdefault(assignment.household_id, []).append(
            {"resident_code": code, "relationship": assignment.relationship, "version": row["version"] + 1}
        )
    heads = {assignment.household_id: assignment.head_resident_code for assignment in plan.assignments}
    after = [row._mapping for row in await repository.members(session, household_id)]
    result = {
        "type": event.type,
        "effective_date": event.effective_date.isoformat(),
        "households": [
            {"household_id": key, "head_resident_code": heads[key], "members": value}
            for key, value in changed.items()
        ],
        "events": events,
    }
    return result, rules.etag_of(after)


async def _plan(
    session: AsyncSession,
    household_id: str,
    members: Sequence[Mapping[Any, Any]],
    event: HouseholdEventRequest,
) -> _Plan:
    rows = {row["resident_code"]: row for row in members}
    if isinstance(event, HeadChangeRequest):
        return _Plan(rules.head_change(household_id, members, event), rows)
    if isinstance(event, HouseholdMergerRequest):
        joining = [
            row._mapping
            for row in await repository.members(session, event.merged_household_id, for_update=True)
        ]
        rows.update({row["resident_code"]: row for row in joining})
        return _Plan(rules.merger(household_id, members, joining, event), rows)
    return _Plan(rules.separation(members, event, new_household_id=new_household_id()), rows)


def _check_date(row: Mapping[Any, Any], effective: date, writer: Writer) -> None:
    """Like any ordinary event: not after today, not before the member's latest change."""
    resident_rules.check_not_future(EventType.HEAD_CHANGE, effective, writer.limits)
    if effective < row["valid_from"]:
        raise UnprocessableContent(
            f"Resident {row['resident_code']} already has a change effective "
            f"{row['valid_from'].isoformat()}; a household event dated earlier must be recorded "
            "as a correction.",
            slug="event-out-of-order",
        )
