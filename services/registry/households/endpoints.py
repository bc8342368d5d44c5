"""HTTP handlers for households: thin, they parse, call the service and shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Request
from starlette.responses import Response

from services.registry.households import service
from services.registry.pseudonyms import reads as shown
from services.registry.residents.endpoints import identifiers_of, reader_for, writer_for
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    HouseholdChange,
    HouseholdEventRequest,
    HouseholdId,
    HouseholdIdOrPseudonym,
    HouseholdRecord,
)
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.purpose import PurposeHeader
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["households"])

HouseholdIdPath = Annotated[HouseholdId, Path(description="The household (世帯), H followed by 12 digits.")]


@router.get(
    "/households/{household_id}",
    response_model=HouseholdRecord,
    summary="A household: its head and active members with their 続柄 (personal data)",
    description="Needs registry:read and registry:address and X-Purpose; every member provided is "
    "access-logged. Members under a protection order are listed only for registry:protected.",
)
async def get_household(
    request: Request,
    household_id: Annotated[
        HouseholdIdOrPseudonym,
        Path(description="The household (世帯), or a pseudonymous client's own pseudonym for it."),
    ],
    session: SessionDep,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:read", "registry:address"),
) -> Response:
    reader = reader_for(request, principal, purpose)
    identifiers = identifiers_of(request, principal)
    document, etag = await service.get_household(
        session, household_id=shown.household_id_in(identifiers, household_id), reader=reader
    )
    document, etag = shown.household(identifiers, document, etag)
    return json_response(document, headers={"ETag": etag})


@router.post(
    "/households/{household_id}/events",
    status_code=201,
    response_model=HouseholdChange,
    summary="Record a household event: head change, merger or separation (needs If-Match)",
)
async def record_household_event(
    request: Request,
    household_id: HouseholdIdPath,
    event: Annotated[HouseholdEventRequest, Body()],
    write: WriteDep,
    if_match: Annotated[str | None, Header(description="The household's ETag you last read.")] = None,
    principal: Principal = require_scopes("registry:write"),
) -> Response:
    document, etag = await service.record_event(
        write.session,
        household_id=household_id,
        event=event,
        if_match=if_match,
        writer=writer_for(request, principal),
    )
    return write.respond(document, status_code=201, headers={"ETag": etag})
