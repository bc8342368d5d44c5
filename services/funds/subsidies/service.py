"""Computing a year's party-subsidy allocation, importing vote totals when asked, and recording it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.rulebook import FundsRules
from services.funds.settings import FundsSettings
from services.funds.subsidies import repository
from services.funds.subsidies.allocation import ROUNDING, AllocationError, allocate, instalments, prorate
from services.funds.subsidies.elections_client import fetch_results, votes_of_group
from shared.contracts.funds import (
    PartyShare,
    StoredSubsidyAllocation,
    SubsidyAllocation,
    SubsidyInputs,
    SubsidyRequest,
    VoteGroupInput,
)
from shared.http.gateway_client import GatewayClient
from shared.values import utc_now
from shared.web.problems import Conflict, NotFound, ServiceUnavailable, UnprocessableContent

RulesOn = Callable[[date], FundsRules]
ClientFactory = Callable[[], GatewayClient]


def gateway_client_factory(settings: FundsSettings, http: httpx.AsyncClient) -> ClientFactory:
    """One client for the process, made when first needed: it keeps its token until the token
    expires, so a calculation does not cost the gateway a secret verification each time."""
    clients: list[GatewayClient] = []

    def build() -> GatewayClient:
        if not settings.client_id:
            raise ServiceUnavailable(
                "This service has no gateway client configured (FUNDS_CLIENT_ID); enter the vote totals.",
                slug="elections-import-unavailable",
            )
        if not clients:
            secret: SecretStr = settings.client_secret
            clients.append(
                GatewayClient(
                    http,
                    gateway_url=settings.gateway_url,
                    client_id=settings.client_id,
                    client_secret=secret.get_secret_value(),
                    scopes=settings.elections_scopes,
                )
            )
        return clients[0]

    return build


async def resolve_imports(inputs: SubsidyInputs, clients: ClientFactory, pointer: str) -> SubsidyInputs:
    """The inputs with every imported vote group filled in from the elections service."""
    if not inputs.imports:
        return inputs
    entered = {group.group for group in inputs.vote_groups}
    codes = {p.elections_party_id: p.party_code for p in inputs.parties if p.elections_party_id is not None}
    client = clients()
    groups = list(inputs.vote_groups)
    for index, wanted in enumerate(inputs.imports):
        if wanted.group in entered:
            raise UnprocessableContent(
                f"{wanted.group.value} is both entered and imported.",
                slug="invalid-subsidy-inputs",
                errors=[
                    {
                        "location": "body",
                        "pointer": f"{pointer}/imports/{index}",
                        "detail": "entered and imported",
                        "type": "duplicate_group",
                    }
                ],
            )
        entered.add(wanted.group)
        elections = [
            votes_of_group(await fetch_results(client, election_id), wanted.group, codes)
            for election_id in wanted.election_ids
        ]
        groups.append(VoteGroupInput(group=wanted.group, elections=elections))
    return inputs.model_copy(update={"vote_groups": groups, "imports": []})


def _allocation_problem(error: AllocationError, pointer: str) -> UnprocessableContent:
    return UnprocessableContent(
        str(error),
        slug="invalid-subsidy-inputs",
        errors=[
            {
                "location": "body",
                "pointer": pointer + error.pointer,
                "detail": str(error),
                "type": "allocation",
            }
        ],
    )


async def compute(*, request: SubsidyRequest, rules: RulesOn, clients: ClientFactory) -> SubsidyAllocation:
    year_rules = rules(date(request.year, 1, 1))
    inputs = await resolve_imports(request.inputs, clients, "/inputs")
    try:
        total, parties = allocate(inputs, year_rules, budgeted_total=request.budgeted_total)
    except AllocationError as error:
        raise _allocation_problem(error, "/inputs") from None
    annual = {p.party_code: p.annual_amount for p in parties}
    if request.recalculation is not None:
        after_inputs = await resolve_imports(request.recalculation.inputs, clients, "/recalculation/inputs")
        if after_inputs.census_population != inputs.census_population:
            raise UnprocessableContent(
                "A recalculation within a year keeps the census population.",
                slug="invalid-subsidy-inputs",
                errors=[
                    {
                        "location": "body",
                        "pointer": "/recalculation/inputs/census_population",
                        "detail": "differs from inputs.census_population",
                        "type": "population_changed",
                    }
                ],
            )
        try:
            _, after = allocate(after_inputs, year_rules, budgeted_total=total)
        except AllocationError as error:
            raise _allocation_problem(error, "/recalculation/inputs") from None
        annual = prorate(
            annual,
            {p.party_code: p.annual_amount for p in after},
            effective_month=request.recalculation.effective_month,
            total=total,
        )
        known = {p.party_code for p in parties}
        parties = parties + [p for p in after if p.party_code not in known]
    shares = [
        PartyShare(
            party_code=p.party_code,
            name=p.name,
            eligible=p.eligible,
            applying=p.applying,
            member_share=p.member_share,
            vote_shares=p.vote_shares,
            annual_amount=annual[p.party_code],
            instalments=instalments(annual[p.party_code]),
        )
        for p in sorted(parties, key=lambda p: p.party_code)
    ]
    return SubsidyAllocation(year=request.year, total=total, rounding=ROUNDING, parties=shares)


async def record(
    *, session: AsyncSession, request: SubsidyRequest, rules: RulesOn, clients: ClientFactory, created_by: str
) -> StoredSubsidyAllocation:
    if await repository.get(session, request.year) is not None:
        raise Conflict(f"The {request.year} allocation is already recorded.", slug="allocation-exists")
    result = await compute(request=request, rules=rules, clients=clients)
    now = utc_now()
    try:
        await repository.create(
            session,
            year=request.year,
            request=request.model_dump(mode="json"),
            result=result.model_dump(mode="json"),
            created_by=created_by,
            created_at=now,
        )
        await session.flush()
    except IntegrityError:
        raise Conflict(
            f"The {request.year} allocation is already recorded.", slug="allocation-exists"
        ) from None
    return StoredSubsidyAllocation(**result.model_dump(), request=request, created_at=now)


async def get(*, session: AsyncSession, year: int) -> StoredSubsidyAllocation:
    row = await repository.get(session, year)
    if row is None:
        raise NotFound(f"No party-subsidy allocation recorded for {year}.")
    return StoredSubsidyAllocation(
        **row.result, request=SubsidyRequest.model_validate(row.request), created_at=row.created_at
    )
