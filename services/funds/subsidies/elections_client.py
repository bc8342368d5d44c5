"""Vote totals from the elections service, read through the gateway with this service's credentials."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from services.funds.elections_reads import read_elections
from shared.contracts.elections.common import ContestKind
from shared.contracts.elections.results import ElectionResults
from shared.contracts.funds import ElectionVotes, VoteGroup
from shared.http.gateway_client import GatewayClient
from shared.web.problems import UnprocessableContent

CONTEST_OF_GROUP = {
    VoteGroup.hr_single_member: ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT,
    VoteGroup.hr_proportional: ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL,
    VoteGroup.hc_proportional: ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL,
    VoteGroup.hc_district: ContestKind.HOUSE_OF_COUNCILLORS_DISTRICT,
}


def votes_of_group(results: ElectionResults, group: VoteGroup, party_codes: dict[int, str]) -> ElectionVotes:
    """Valid votes of the group's contests, and each mapped party's votes in them.

    Proportional contests count the party's total (party-name and candidate votes); district
    contests count the votes of the party's candidates. Parties not mapped to a code are in the
    total only.
    """
    kind = CONTEST_OF_GROUP[group]
    contests = [contest for contest in results.contests if contest.kind == kind]
    if not contests:
        raise UnprocessableContent(
            f"Election {results.election_id} has no {kind.value} contest for {group.value}.",
            slug="election-without-contest",
        )
    total = Decimal(0)
    by_party: dict[str, Decimal] = defaultdict(Decimal)
    for contest in contests:
        total += contest.valid_votes
        if kind.is_proportional:
            for party in contest.parties:
                if party.party_id in party_codes:
                    by_party[party_codes[party.party_id]] += party.votes
        else:
            for candidate in contest.candidates:
                if candidate.party_id in party_codes:
                    by_party[party_codes[candidate.party_id]] += candidate.votes
    return ElectionVotes(
        total_valid_votes=total, party_votes=dict(by_party), election_id=str(results.election_id)
    )


async def fetch_results(client: GatewayClient, election_id: int) -> ElectionResults:
    return await read_elections(
        client,
        f"/elections/v1/elections/{election_id}/results",
        ElectionResults,
        missing=UnprocessableContent(
            f"The elections service has no election {election_id}.", slug="unknown-election"
        ),
    )
