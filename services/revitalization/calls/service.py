"""Calls for applications: publication, public search, the deadline calendar, the CommonGrants shape,
applications accepted only while a call is open, archival, and the audit trail of every step."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.access import ADMIN, APPLY, REVIEW, require_any
from services.revitalization.calls import commongrants, icalendar, repository
from services.revitalization.calls.filters import CallFilters
from services.revitalization.calls.rules import (
    accepts_applications,
    can_archive,
    japan_time_text,
    japan_time_to_the_second,
    prefecture_of,
    status_at,
)
from services.revitalization.programmes import service as programmes
from shared.auth.tokens import Principal
from shared.contracts.revitalization_calls import (
    AuditEntry,
    Call,
    CallApplication,
    CallApplicationIn,
    CallApplicationStatus,
    CallIn,
    CallStatus,
    CgOpportunity,
    Decision,
)
from shared.db.reads import Reader
from shared.values import to_rfc3339, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, Forbidden, NotFound

CALENDAR_LIMIT = 1000
"""The calendar holds at most this many deadlines, the earliest first."""
UID_DOMAIN = "revitalization.jichi"


_SENT_AS_STORED = (
    "id",
    "programme_code",
    "fiscal_year",
    "issuer_code",
    "prefecture",
    "title",
    "eligibility_summary",
    "budget_ceiling",
    "awarded_total",
)


_stored_values = attrgetter(*_SENT_AS_STORED)


def _stored_as_sent(row: Any) -> dict[str, Any]:
    """The columns a call's JSON carries as they are stored, first and in the `Call` shape's order."""
    return dict(zip(_SENT_AS_STORED, _stored_values(row), strict=True))


@lru_cache(maxsize=1024)
def _rubric_json(stored: str) -> orjson.Fragment:
    """A stored rubric as orjson writes it decoded: once per distinct text, not once per listed call (calls
    of one issuer or programme mostly share their rubric)."""
    return orjson.Fragment(orjson.dumps(orjson.loads(stored)))


def call_document(row: Any, now: datetime) -> dict[str, Any]:
    """A call in the `Call` shape as plain JSON values: searches send these without building models
    (the rubric was written whole from its model); a test checks that they equal the models' JSON."""
    return {
        **_stored_as_sent(row),
        "opens_at": to_rfc3339(row.opens_at),
        "closes_at": to_rfc3339(row.closes_at),
        "opens_at_jst": japan_time_text(row.opens_at),
        "closes_at_jst": japan_time_text(row.closes_at),
        "status": status_of(row, now).value,
        "archived_at": None if row.archived_at is None else to_rfc3339(row.archived_at),
        "rubric": row.rubric,
        "owner_client_id": row.owner_client_id,
        "created_at": to_rfc3339(row.created_at),
        "updated_at": to_rfc3339(row.updated_at),
        "version": row.version,
    }


def listed_call(row: Any, now: datetime) -> dict[str, Any]:
    """A call as a search lists it (a row of `repository.SEARCHED`), for `search_json` to write: the `Call`
    shape with its instants left as datetimes, which orjson writes as `to_rfc3339` and `japan_time_text` do
    in a fraction of their time, its status as the enum member (orjson writes its value), and its rubric
    decoded from the stored text and written by orjson (`_rubric_json`), not by the driver's json module;
    `call_document` gives the same JSON."""
    return {
        **_stored_as_sent(row),
        "opens_at": row.opens_at,
        "closes_at": row.closes_at,
        "opens_at_jst": japan_time_to_the_second(row.opens_at),
        "closes_at_jst": japan_time_to_the_second(row.closes_at),
        "status": status_of(row, now),
        "archived_at": row.archived_at,
        "rubric": _rubric_json(row.rubric),
        "owner_client_id": row.owner_client_id,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "version": row.version,
    }


def to_call(row: Any, now: datetime) -> Call:
    return Call.model_validate(call_document(row, now))


def status_of(row: Any, now: datetime) -> CallStatus:
    return status_at(
        now, opens_at=row.opens_at, closes_at=row.closes_at, archived=row.archived_at is not None
    )


def to_application(row: Any) -> CallApplication:
    return CallApplication(
        id=row.id,
        call_id=row.call_id,
        applicant_name=row.applicant_name,
        organization_id=row.organization_id,
        municipality_code=row.municipality_code,
        title=row.title,
        summary=row.summary,
        requested_amount=row.requested_amount,
        status=row.status,
        submitted_at=row.submitted_at,
        decision=None if row.decision is None else Decision.model_validate(row.decision),
        version=row.version,
    )


async def audit(
    session: AsyncSession,
    *,
    call_id: int,
    action: str,
    actor: str,
    at: datetime,
    application_id: int | None = None,
    **details: Any,
) -> None:
    """One line of the call's audit trail, written in the transaction of the step it records."""
    await repository.insert_audit(
        session,
        {
            "call_id": call_id,
            "application_id": application_id,
            "action": action,
            "actor": actor,
            "at": at,
            "details": details,
        },
    )


async def call_row(session: AsyncSession, call_id: int) -> Any:
    row = await repository.get_call(session, call_id)
    if row is None:
        raise NotFound(f"No call {call_id}.", slug="call-not-found")
    return row


def owns(principal: Principal, row: Any) -> bool:
    return principal.has(ADMIN) or (principal.has(REVIEW) and principal.client_id == row.owner_client_id)


def require_owner(principal: Principal, call: Any) -> None:
    if not owns(principal, call):
        raise Forbidden(f"Only the issuer of call {call.id} may do this.", slug="not-the-call-owner")


async def create_call(*, session: AsyncSession, principal: Principal, call: CallIn, now: datetime) -> Call:
    require_any(principal, REVIEW, ADMIN)
    await programmes.load_rules(session=session, code=call.programme_code, fiscal_year=call.fiscal_year)
    call_id = await repository.insert_call(
        session,
        {
            **call.model_dump(exclude={"rubric"}),
            "rubric": call.rubric.model_dump(mode="json"),
            "prefecture": prefecture_of(call.issuer_code),
            "owner_client_id": principal.client_id,
            "awarded_total": 0,
            "archived_at": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        },
    )
    await audit(
        session,
        call_id=call_id,
        action="call_published",
        actor=principal.client_id,
        at=now,
        opens_at=call.opens_at.isoformat(),
        closes_at=call.closes_at.isoformat(),
        budget_ceiling=call.budget_ceiling,
    )
    return to_call(await call_row(session, call_id), now)


async def get_call(*, session: AsyncSession, call_id: int, now: datetime) -> Call:
    return to_call(await call_row(session, call_id), now)


async def search_calls(
    *, reader: Reader, page: PageRequest, filters: CallFilters, now: datetime
) -> orjson.Fragment:
    """A page of the public search, as the JSON document `Page[Call]` describes, serialized once."""
    rows, token = await repository.page_calls(reader, page, filters, now=now, name="search_calls")
    return orjson.Fragment(
        search_json({"items": [listed_call(row, now) for row in rows], "next_page_token": token})
    )


def search_json(document: Any) -> bytes:
    """JSON of `listed_call` documents: instants in UTC end in Z, as `to_rfc3339` writes them."""
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


async def deadline_calendar(*, session: AsyncSession, filters: CallFilters, now: datetime) -> bytes:
    rows = await repository.upcoming_deadlines(session, filters, now=now, limit=CALENDAR_LIMIT)
    deadlines = [
        icalendar.Deadline(
            call_id=row.id,
            title=row.title,
            description=f"{row.eligibility_summary}\n{row.programme_code} FY{row.fiscal_year}, "
            f"{row.issuer_code}, ceiling ¥{row.budget_ceiling:,}",
            closes_at=row.closes_at,
            updated_at=row.updated_at,
            uid_domain=UID_DOMAIN,
        )
        for row in rows
    ]
    return icalendar.calendar(deadlines, stamp=now, name="公募の締切 (revitalization call deadlines)")


def _source(base_url: str, call_id: int) -> str:
    return f"{base_url.rstrip('/')}/revitalization/v1/calls/{call_id}"


async def search_opportunities(
    *, reader: Reader, page: PageRequest, filters: CallFilters, now: datetime, base_url: str
) -> tuple[list[CgOpportunity], str | None]:
    rows, token = await repository.page_calls(reader, page, filters, now=now, name="search_opportunities")
    return [
        commongrants.opportunity(
            Call.model_validate_json(search_json(listed_call(row, now))), source=_source(base_url, row.id)
        )
        for row in rows
    ], token


async def get_opportunity(
    *, session: AsyncSession, call_id: int, now: datetime, base_url: str
) -> CgOpportunity:
    call = await get_call(session=session, call_id=call_id, now=now)
    return commongrants.opportunity(call, source=_source(base_url, call_id))


async def archive_call(
    *, session: AsyncSession, principal: Principal, call_id: int, if_match: str | None, now: datetime
) -> Call:
    row = await call_row(session, call_id)
    require_owner(principal, row)
    check_if_match(if_match, row.version)
    status = status_of(row, now)
    if not can_archive(status):
        raise Conflict(
            f"Only a closed call can be archived; this one is {status.value}.", slug="call-not-closed"
        )
    await repository.update_call(
        session, call_id, expected_version=row.version, values={"archived_at": now, "updated_at": now}
    )
    await audit(session, call_id=call_id, action="call_archived", actor=principal.client_id, at=now)
    return to_call(await call_row(session, call_id), now)


async def apply(
    *,
    session: AsyncSession,
    principal: Principal,
    call_id: int,
    application: CallApplicationIn,
    now: datetime,
) -> CallApplication:
    row = await call_row(session, call_id)
    status = status_of(row, now)
    if not accepts_applications(status):
        raise Conflict(
            f"Call {call_id} accepts applications from {japan_time_text(row.opens_at)} to "
            f"{japan_time_text(row.closes_at)} (included); it is {status.value}.",
            slug="call-not-open",
            status_now=status.value,
            opens_at=japan_time_text(row.opens_at),
            closes_at=japan_time_text(row.closes_at),
        )
    application_id = await repository.insert_application(
        session,
        {
            **application.model_dump(),
            "call_id": call_id,
            "client_id": principal.client_id,
            "status": CallApplicationStatus.RECEIVED.value,
            "decision": None,
            "submitted_at": now,
            "version": 1,
        },
    )
    await audit(
        session,
        call_id=call_id,
        application_id=application_id,
        action="application_received",
        actor=principal.client_id,
        at=now,
        requested_amount=application.requested_amount,
    )
    return to_application(await repository.get_application(session, application_id))


async def list_applications(
    *, session: AsyncSession, principal: Principal, page: PageRequest, call_id: int
) -> tuple[list[CallApplication], str | None]:
    require_any(principal, APPLY, REVIEW, ADMIN)
    row = await call_row(session, call_id)
    client_id = None if owns(principal, row) else principal.client_id
    rows, token = await repository.page_applications(session, page, call_id=call_id, client_id=client_id)
    return [to_application(found) for found in rows], token


async def application_row(session: AsyncSession, application_id: int) -> Any:
    row = await repository.get_application(session, application_id)
    if row is None:
        raise NotFound(f"No application {application_id} to a call.", slug="call-application-not-found")
    return row


async def update_application(session: AsyncSession, row: Any, values: dict[str, Any]) -> CallApplication:
    await repository.update_application(session, row.id, expected_version=row.version, values=values)
    return to_application(await repository.get_application(session, row.id))


async def add_award(session: AsyncSession, call_id: int, amount: int) -> bool:
    return await repository.add_award(session, call_id, amount)


async def list_audit(
    *, session: AsyncSession, principal: Principal, page: PageRequest, call_id: int
) -> tuple[list[AuditEntry], str | None]:
    row = await call_row(session, call_id)
    require_owner(principal, row)
    rows, token = await repository.page_audit(session, page, call_id=call_id)
    return [
        AuditEntry(
            id=r.id,
            call_id=r.call_id,
            application_id=r.application_id,
            action=r.action,
            actor=r.actor,
            at=r.at,
            details=r.details,
        )
        for r in rows
    ], token


def current_time() -> datetime:
    """The instant a request is judged at (one reading per request)."""
    return utc_now()
