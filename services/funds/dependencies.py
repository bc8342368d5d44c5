"""Dependencies every funds domain uses: the rules table in force, built from settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import Depends, Request

from services.funds.rulebook import RULES, FundsRules, rules_on, with_company_steps_above_10bn
from services.funds.settings import FundsSettings
from shared.web.state import state_of

RulesOn = Callable[[date], FundsRules]


def rules_dependency(request: Request) -> RulesOn:
    settings: FundsSettings = state_of(request.app).settings
    table = with_company_steps_above_10bn(RULES, settings.company_cap_steps_above_10bn)
    return partial(rules_on, table=table)


RulesDep = Annotated[RulesOn, Depends(rules_dependency)]
