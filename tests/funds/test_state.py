"""The funds state built at start-up: the rules in force carry the operator's company steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from services.funds.app import create_app
from services.funds.rulebook import RULES, CapStep, cap_for
from services.funds.settings import FundsSettings
from services.funds.state import RulesOn, funds_state_of
from tests.conftest import running
from tests.support.tokens import TokenFactory, no_revocations

BILLION = 1_000_000_000


async def _rules_of(settings: FundsSettings, tokens: TokenFactory) -> RulesOn:
    app = create_app(settings, jwks_source=tokens.source(), revocation_source=no_revocations())
    async with running(app):
        return funds_state_of(app).rules


async def test_the_rules_in_force_carry_the_configured_steps(tmp_path: Path, tokens: TokenFactory) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'funds.db'}"
    configured = FundsSettings(database_url=url, company_cap_steps_above_10bn=[(20 * BILLION, 60_000_000)])
    rules = await _rules_of(configured, tokens)
    in_2025 = rules(date(2025, 6, 1))
    assert in_2025.company_caps_by_capital[-1] == CapStep(20 * BILLION, 60_000_000)
    assert cap_for(in_2025.company_caps_by_capital, 30 * BILLION) == 60_000_000
    assert rules(date(2000, 6, 1)).effective_from == RULES[0].effective_from

    plain = await _rules_of(FundsSettings(database_url=url), tokens)
    assert plain(date(2025, 6, 1)) == RULES[1]
