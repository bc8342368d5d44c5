"""The funds service's own typed state, built once at start-up, and its dependency aliases.

Beside the shared `ServiceState`: the rules table in force (the dated rules with the operator's
company steps above ¥10bn) and the one gateway client that reads vote totals from elections.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.funds.rulebook import RULES, FundsRules, rules_on, with_company_steps_above_10bn
from services.funds.settings import FundsSettings
from services.funds.subsidies.service import ClientFactory, gateway_client_factory
from shared.web.state import state_of

RulesOn = Callable[[date], FundsRules]


@dataclass(frozen=True, slots=True)
class FundsState:
    rules: RulesOn
    elections_clients: ClientFactory


def rules_from(settings: FundsSettings) -> RulesOn:
    """The rules in force on a day, with the company steps the operator configured."""
    table = with_company_steps_above_10bn(RULES, settings.company_cap_steps_above_10bn)
    return partial(rules_on, table=table)


@asynccontextmanager
async def funds_state(app: FastAPI) -> AsyncIterator[None]:
    """Start-up: the state every request reads (the shared state is built by then)."""
    shared = state_of(app)
    settings: FundsSettings = shared.settings
    app.state.funds = FundsState(
        rules=rules_from(settings), elections_clients=gateway_client_factory(settings, shared.http)
    )
    yield


def funds_state_of(app: FastAPI) -> FundsState:
    state: FundsState = app.state.funds
    return state


# Coroutines, so that FastAPI calls them in the request's task rather than in a worker thread.
async def _rules(request: Request) -> RulesOn:
    return funds_state_of(request.app).rules


async def _elections_clients(request: Request) -> ClientFactory:
    return funds_state_of(request.app).elections_clients


RulesDep = Annotated[RulesOn, Depends(_rules)]
ElectionsClientsDep = Annotated[ClientFactory, Depends(_elections_clients)]
