"""HTTP: public pre-election information (no token), in Japanese or English."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.elections.public import service
from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.elections import Language, PublicElectionInformation
from shared.values import LocalGovernmentCode, RowId
from shared.web.planned import PlannedRoute
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["public"])


@router.get(
    "/elections/{election_id}/public-information",
    response_model=PublicElectionInformation,
    summary="Candidates, parties, contests and polling stations with their hours (public; ja or en)",
)
async def get_public_information(
    session: SessionDep,
    _: OptionalPrincipal,
    election_id: RowId,
    lang: Language = Query(default=Language.JA, description="ja (default) or en."),
    local_government_code: LocalGovernmentCode | None = Query(
        default=None, description="Only this municipality's stations and the contests covering it."
    ),
) -> Response:
    found = await service.information(
        session=session, election_id=election_id, language=lang, local_government_code=local_government_code
    )
    return json_response(found, headers={"Content-Language": lang.value, "Cache-Control": "public, no-cache"})
