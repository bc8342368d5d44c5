"""HTTP: absentee ballots and their steps."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from services.elections.absentee import service
from shared.auth.dependencies import require_scopes
from shared.auth.tokens import Principal
from shared.contracts.elections import AbsenteeBallot, AbsenteeBallotIn, AbsenteeStepIn
from shared.values import RowId
from shared.web.idempotency import WriteDep
from shared.web.planned import PlannedRoute
from shared.web.sessions import ReadSessionDep, SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["absentee voting"])


@router.post(
    "/elections/{election_id}/absentee-ballots",
    status_code=201,
    response_model=AbsenteeBallot,
    summary="Record a voter's request for absentee voting papers (art. 49)",
)
async def request_absentee_ballot(
    body: AbsenteeBallotIn,
    write: WriteDep,
    election_id: RowId,
    principal: Principal = require_scopes("elections:clerk"),
) -> Response:
    created = await service.request(
        session=write.session, clerk=principal.client_id, election_id=election_id, data=body
    )
    return write.respond(
        created, location=f"/elections/v1/elections/{election_id}/absentee-ballots/{created.id}"
    )


@router.post(
    "/elections/{election_id}/absentee-ballots/{ballot_id}/steps",
    response_model=AbsenteeBallot,
    summary="Record the ballot's next step: issued, voted, sent, received (audited)",
    description="On `received` the ballot becomes the voter's vote (an absentee check-in), unless the "
    "voter voted in person first or it arrived after polling day: it is then not accepted (不受理) and not "
    "counted.",
)
async def record_absentee_step(
    body: AbsenteeStepIn,
    session: SessionDep,
    election_id: RowId,
    ballot_id: RowId,
    principal: Principal = require_scopes("elections:clerk"),
) -> AbsenteeBallot:
    return await service.record_step(
        session=session, clerk=principal.client_id, election_id=election_id, ballot_id=ballot_id, data=body
    )


@router.get(
    "/elections/{election_id}/absentee-ballots/{ballot_id}",
    response_model=AbsenteeBallot,
    summary="An absentee ballot and its steps",
)
async def get_absentee_ballot(
    reader: ReadSessionDep,
    election_id: RowId,
    ballot_id: RowId,
    _: Principal = require_scopes("elections:read"),
) -> AbsenteeBallot:
    return await service.get(reader=reader, election_id=election_id, ballot_id=ballot_id)
