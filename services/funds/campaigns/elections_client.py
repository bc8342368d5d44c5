"""What a campaign report needs from the elections service: the candidacy, its contest and
election, and the registered voters of the contest's district (the roll, counted by the
elections service's turnout figures for the contest)."""

from __future__ import annotations

from dataclasses import dataclass

from services.funds.elections_reads import read_elections
from shared.contracts.elections import Candidate, Contest, Election, FinalTurnout
from shared.http.gateway_client import GatewayClient
from shared.web.problems import UnprocessableContent


@dataclass(frozen=True, slots=True)
class Candidacy:
    candidate: Candidate
    contest: Contest
    election: Election
    registered_voters: int


def _unknown(detail: str) -> UnprocessableContent:
    return UnprocessableContent(detail, slug="unknown-candidacy")


async def read_candidacy(client: GatewayClient, *, election_id: int, candidate_id: int) -> Candidacy:
    candidate = await read_elections(
        client,
        f"/elections/v1/candidates/{candidate_id}",
        Candidate,
        missing=_unknown(f"The elections service has no candidate {candidate_id}."),
    )
    if candidate.election_id != election_id:
        raise _unknown(f"Candidate {candidate_id} does not stand in election {election_id}.")
    contest = await read_elections(
        client,
        f"/elections/v1/contests/{candidate.contest_id}",
        Contest,
        missing=_unknown(f"The elections service has no contest {candidate.contest_id}."),
    )
    election = await read_elections(
        client,
        f"/elections/v1/elections/{election_id}",
        Election,
        missing=_unknown(f"The elections service has no election {election_id}."),
    )
    turnout = await read_elections(
        client,
        f"/elections/v1/elections/{election_id}/turnout",
        FinalTurnout,
        missing=_unknown(f"The elections service has no roll for election {election_id}."),
        params={"contest_id": contest.id},
    )
    return Candidacy(candidate, contest, election, turnout.by_sex.total.electors)
