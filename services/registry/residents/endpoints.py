"""HTTP handlers for residents: thin, they parse, call the service and shape the response."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Query, Request
from starlette.responses import Response

from services.registry.accesslog.purpose import provision_for
from services.registry.pseudonyms import reads as shown
from services.registry.pseudonyms import verification as pseudonymous
from services.registry.pseudonyms.codec import Identifiers
from services.registry.residents import rules, service
from services.registry.residents.bodies import items_by_code
from services.registry.residents.service import ByCode, Reader, Writer
from services.registry.residents.views import Visibility
from services.registry.settings import RegistrySettings
from services.registry.state import registry_state_of
from shared.auth.dependencies import caller_of, require_scopes, with_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    DEFAULT_EXTRACT_PAGE_SIZE,
    MAX_EXTRACT_PAGE_SIZE,
    PURPOSE_HEADER,
    IndividualNumberLookup,
    LifeEvent,
    LifeEventRequest,
    ProtectionOrder,
    RegisteredResident,
    Resident,
    ResidentCodeChanged,
    ResidentCodeChangeRequest,
    ResidentCodeOrPseudonym,
    ResidentEventPage,
    ResidentMatches,
    ResidentPage,
    ResidentRegistration,
    ResidentSearch,
    ResidentStatus,
    VerificationItem,
    VerificationRequest,
    VerificationResponse,
)
from shared.values import CalendarDate, LocalGovernmentCode, ResidentCode, UtcDateTime, utc_now
from shared.web.idempotency import WriteDep
from shared.web.pagination import PageParams, PageRequest
from shared.web.planned import PlannedRoute
from shared.web.problems import Forbidden
from shared.web.purpose import PurposeHeader
from shared.web.responses import json_response
from shared.web.routes import path_parameter, shaped_route
from shared.web.sessions import SessionDep
from shared.web.state import state_of

router = APIRouter(route_class=PlannedRoute, tags=["residents"])

READ = ("registry:read",)

ResidentCodePath = Annotated[ResidentCode, Path(description="The resident code (住民票コード).")]
ResidentIdPath = Annotated[
    ResidentCodeOrPseudonym,
    Path(description="The resident code (住民票コード), or a pseudonymous client's own pseudonym for it."),
]
IfMatch = Annotated[str | None, Header(description="The ETag of the resident you last read.")]


def reader_for(request: Request, principal: Principal, purpose: str | None) -> Reader:
    """What the caller may see and the provision its read is logged as (the purpose is checked
    here, after the token and scopes: a caller without them learns nothing from a purpose problem).
    A pseudonymous client's answers are renamed by the handler (`identifiers_of`); the log
    records the real resident and the client."""
    return Reader(
        visibility=Visibility.of(principal.scopes),
        provision=provision_for(principal, purpose),
        cipher=registry_state_of(request.app).identity_cipher,
    )


def identifiers_of(request: Request, principal: Principal) -> Identifiers:
    """How the caller names residents and households: codes, or its own pseudonyms."""
    return Identifiers(registry_state_of(request.app).pseudonyms, principal.pseudonym_domain)


def refuse_pseudonymous(principal: Principal) -> None:
    """Writes are a municipality's: a client configured with pseudonyms (an agency that reads)
    neither names residents by code nor records anything about them."""
    if principal.pseudonym_domain is not None:
        raise Forbidden(
            "This client names residents by its pseudonyms (機関別符号) and only reads: the register "
            "is written by municipality systems.",
            slug="pseudonyms-not-supported",
        )


def writer_for(request: Request, principal: Principal) -> Writer:
    refuse_pseudonymous(principal)
    settings: RegistrySettings = state_of(request.app).settings
    return Writer(
        client_id=principal.client_id,
        limits=rules.DateLimits(
            today=rules.japan_today(utc_now()), move_out_advance_days=settings.move_out_advance_days
        ),
        cipher=registry_state_of(request.app).identity_cipher,
    )


async def _current_resident(request: Request, principal: Principal, resident_id: str) -> Response:
    """The record as it stands, with the route's problems (purpose, identifier, not found)."""
    reader = reader_for(request, principal, request.headers.get(PURPOSE_HEADER))
    identifiers = identifiers_of(request, principal)
    document, version = await service.get_current_resident(
        state_of(request.app).database,
        registry_state_of(request.app).access_log_writer,
        resident_code=shown.resident_code_in(identifiers, resident_id),
        reader=reader,
    )
    return json_response(shown.resident(identifiers, document), version=version)


async def _plain_lookup(request: Request) -> Response | None:
    """`get_resident` without a query string (now, no as-of): the registry's most frequent request.
    Same order of checks as the route's dependencies: token and scope, then the code."""
    if request.scope["query_string"]:
        return None
    principal = with_scopes(await caller_of(request), READ)
    return await _current_resident(request, principal, path_parameter(request, "resident_code"))


async def _verification_by_code(request: Request) -> Response | None:
    """`verify_residents` whose items hold only resident codes (and references): the request
    model's validation of a thousand items cost more than their verification."""
    items = items_by_code(await request.body())
    if items is None:
        return None
    principal = with_scopes(await caller_of(request), READ)
    return await _verified(request, principal, items, request.headers.get(PURPOSE_HEADER))


async def _verified(
    request: Request, principal: Principal, items: Sequence[VerificationItem | ByCode], purpose: str | None
) -> Response:
    reader = reader_for(request, principal, purpose)
    identifiers = identifiers_of(request, principal)
    document = await service.verify(
        state_of(request.app).database,
        registry_state_of(request.app).access_log_writer,
        items=pseudonymous.items_for(identifiers, items),
        reader=reader,
    )
    return json_response(pseudonymous.answer_for(identifiers, document))


def _insufficient(scope: str, why: str) -> Forbidden:
    return Forbidden(
        f"The token lacks the scope {scope} ({why}).",
        slug="insufficient-scope",
        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
        missing_scopes=[scope],
    )


@router.post(
    "/residents",
    status_code=201,
    response_model=RegisteredResident,
    summary="Register a new resident (birth, or first move-in from abroad)",
)
async def register_resident(
    request: Request,
    registration: ResidentRegistration,
    write: WriteDep,
    principal: Principal = require_scopes("registry:write"),
) -> Response:
    document, version = await service.register(
        write.session, request=registration, writer=writer_for(request, principal)
    )
    return write.respond(
        document,
        status_code=201,
        version=version,
        location=f"/registry/v1/residents/{document['resident_code']}",
    )


@router.get(
    "/residents",
    response_model=ResidentPage,
    summary="A municipality's residents (bulk extract, keyset-paginated)",
    description="Needs registry:read and registry:address; the residence history comes with "
    "registry:history. Residents under a protection order are listed only for registry:protected.",
)
async def list_residents(
    request: Request,
    session: SessionDep,
    local_government_code: Annotated[LocalGovernmentCode, Query(description="The municipality or ward.")],
    purpose: PurposeHeader = None,
    status: Annotated[
        list[ResidentStatus] | None, Query(description="Only these statuses (repeatable).")
    ] = None,
    resided_since: Annotated[
        CalendarDate | None,
        Query(
            description="Also residents who were registered here on or after this date and have moved away."
        ),
    ] = None,
    page_size: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_EXTRACT_PAGE_SIZE,
            description=f"Default {DEFAULT_EXTRACT_PAGE_SIZE}, at most {MAX_EXTRACT_PAGE_SIZE}.",
        ),
    ] = DEFAULT_EXTRACT_PAGE_SIZE,
    page_token: Annotated[str | None, Query(max_length=2048)] = None,
    principal: Principal = require_scopes("registry:read", "registry:address"),
) -> Response:
    page = PageRequest(page_size, page_token, state_of(request.app).page_codec)
    document = await service.extract_page(
        session,
        local_government_code=local_government_code,
        statuses=[value.value for value in status or []],
        resided_since=resided_since,
        page=page,
        reader=reader_for(request, principal, purpose),
    )
    return json_response(shown.items(identifiers_of(request, principal), document))


@shaped_route(
    router,
    "/residents/{resident_code}",
    method="GET",
    answered_first_by_handler=_plain_lookup,
    response_model=Resident,
    summary="A resident by resident code (now, or as of a date)",
    description="as_of / known_at need registry:history: the record as it stood on as_of, as the "
    "register knew it at known_at (default now). A client configured with a pseudonym domain names "
    "the resident by its pseudonym and sees pseudonyms for the resident, household and head.",
)
async def get_resident(
    request: Request,
    resident_code: ResidentIdPath,
    purpose: PurposeHeader = None,
    as_of: Annotated[CalendarDate | None, Query(description="The date the record should be as of.")] = None,
    known_at: Annotated[UtcDateTime | None, Query(description="Knowledge as of this instant.")] = None,
    principal: Principal = require_scopes(*READ),
) -> Response:
    if as_of is None and known_at is None:
        return await _current_resident(request, principal, resident_code)
    if not principal.has("registry:history"):
        raise _insufficient("registry:history", "as-of queries")
    reader = reader_for(request, principal, purpose)
    identifiers = identifiers_of(request, principal)
    code = shown.resident_code_in(identifiers, resident_code)
    async with state_of(request.app).database.sessionmaker.begin() as session:
        document, version = await service.get_resident_as_of(
            session, resident_code=code, reader=reader, as_of=as_of, known_at=known_at
        )
    return json_response(shown.resident(identifiers, document), version=version)


@router.post(
    "/residents/by-individual-number",
    response_model=Resident,
    summary="A resident by individual number (sent in the body, never in the URL)",
)
async def find_resident_by_individual_number(
    request: Request,
    lookup: IndividualNumberLookup,
    session: SessionDep,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:read", "registry:identity"),
) -> Response:
    document, version = await service.get_resident_by_number(
        session, individual_number=lookup.individual_number, reader=reader_for(request, principal, purpose)
    )
    return json_response(shown.resident(identifiers_of(request, principal), document), version=version)


@router.post(
    "/residents/matches",
    response_model=ResidentMatches,
    summary="Ranked candidates for the four basic items (name, date of birth, sex, address)",
)
async def search_residents(
    request: Request,
    search: ResidentSearch,
    session: SessionDep,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:read"),
) -> Response:
    document = await service.search(session, query=search, reader=reader_for(request, principal, purpose))
    return json_response(shown.matches(identifiers_of(request, principal), document))


@shaped_route(
    router,
    "/residents/verifications",
    method="POST",
    answered_first_by_handler=_verification_by_code,
    response_model=VerificationResponse,
    summary="Verify up to 1,000 records at once (found / not found / deceased / moved out)",
)
async def verify_residents(
    request: Request,
    verification: VerificationRequest,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes(*READ),
) -> Response:
    if not principal.has("registry:identity") and any(
        item.individual_number is not None for item in verification.items
    ):
        raise _insufficient("registry:identity", "verification by individual number")
    return await _verified(request, principal, verification.items, purpose)


@router.get(
    "/residents/{resident_code}/events",
    response_model=ResidentEventPage,
    summary="A resident's recorded life events, oldest first",
)
async def list_resident_events(
    request: Request,
    resident_code: ResidentIdPath,
    session: SessionDep,
    page: PageParams,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:read", "registry:history"),
) -> Response:
    reader = reader_for(request, principal, purpose)
    identifiers = identifiers_of(request, principal)
    document = await service.events_page(
        session, resident_code=shown.resident_code_in(identifiers, resident_code), page=page, reader=reader
    )
    return json_response(shown.items(identifiers, document))


@router.post(
    "/residents/{resident_code}/events",
    status_code=201,
    response_model=LifeEvent,
    summary="Record a life event (needs If-Match; Idempotency-Key makes it safe to retry)",
)
async def record_resident_event(
    request: Request,
    resident_code: ResidentCodePath,
    event: Annotated[LifeEventRequest, Body()],
    write: WriteDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes("registry:write"),
) -> Response:
    document, version = await service.record_event(
        write.session,
        resident_code=resident_code,
        event=event,
        if_match=if_match,
        writer=writer_for(request, principal),
    )
    return write.respond(document, status_code=201, version=version)


@router.post(
    "/residents/{resident_code}/resident-code-changes",
    status_code=201,
    response_model=ResidentCodeChanged,
    summary="Change a resident's code on their request (住民票コードの変更; needs If-Match)",
    description="A new code is issued; the old one resolves to nothing afterwards (404), and the "
    "record's events, history and household carry the new one. The change feed gets a "
    "resident_code_change event naming the former code.",
)
async def change_resident_code(
    request: Request,
    resident_code: ResidentCodePath,
    change: ResidentCodeChangeRequest,
    write: WriteDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes("registry:write"),
) -> Response:
    document, version = await service.change_code(
        write.session,
        resident_code=resident_code,
        effective_date=change.effective_date,
        if_match=if_match,
        writer=writer_for(request, principal),
    )
    return write.respond(
        document,
        status_code=201,
        version=version,
        location=f"/registry/v1/residents/{document['resident_code']}",
    )


@router.put(
    "/residents/{resident_code}/protection",
    response_model=ProtectionOrder,
    summary="Set or lift a protection order (抑止) on the resident's address",
)
async def set_resident_protection(
    resident_code: ResidentCodePath,
    order: ProtectionOrder,
    session: SessionDep,
    if_match: IfMatch = None,
    principal: Principal = require_scopes("registry:write", "registry:protected"),
) -> Response:
    refuse_pseudonymous(principal)
    document, version = await service.set_protection(
        session, resident_code=resident_code, active=order.active, if_match=if_match
    )
    return json_response(document, version=version)
