"""The approval's one write: the application at its version, its audit line and its budget commitment
together, or none of them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from services.revitalization.applications import repository
from services.revitalization.applications.repository import BudgetCommitment, Refusal, TransitionRecord
from services.revitalization.tables import application_transitions, budgets
from shared.db.engine import Database, create_engine
from shared.values import utc_now
from tests.revitalization.factories import (
    REVIEW,
    RURAL,
    FakeRegistry,
    cooperator_application,
    headers,
    set_budget,
    under_review,
)
from tests.support.tokens import TokenFactory


@pytest.fixture
async def database(revitalization_db: str) -> AsyncIterator[Database]:
    database = Database(create_engine(revitalization_db))
    yield database
    await database.dispose()


def _approval(amount: int) -> tuple[dict[str, object], TransitionRecord, BudgetCommitment]:
    now = utc_now()
    values = {"state": "approved", "approved_amount": amount, "awarded_at": now, "updated_at": now}
    record = TransitionRecord(
        action="approve",
        from_state="under_review",
        to_state="approved",
        actor="reviewer",
        at=now,
        reason=None,
        changes={"state": {"old": "under_review", "new": "approved"}},
    )
    return values, record, BudgetCommitment("cooperators", 2024, RURAL, amount)


async def _version(revitalization: httpx.AsyncClient, tokens: TokenFactory, application_id: int) -> int:
    url = f"/revitalization/v1/applications/{application_id}"
    version: int = (await revitalization.get(url, headers=headers(tokens, REVIEW))).json()["version"]
    return version


async def _committed_and_trail(database: Database, application_id: int) -> tuple[int, int]:
    async with database.sessionmaker() as session:
        committed = await session.scalar(
            select(budgets.c.committed).where(budgets.c.municipality_code == RURAL)
        )
        lines = await session.scalar(
            select(func.count()).where(application_transitions.c.application_id == application_id)
        )
    return int(committed or 0), int(lines or 0)


async def test_a_stale_version_commits_nothing(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry, database: Database
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 5_000_000)
    before = await _committed_and_trail(database, created["id"])
    values, record, commitment = _approval(1_000_000)
    version = await _version(revitalization, tokens, created["id"])
    async with database.sessionmaker() as session:
        changed = await repository.apply_transition(
            session,
            created["id"],
            expected_version=version - 1,
            values=values,
            record=record,
            commitment=commitment,
        )
        await session.commit()
    assert changed == Refusal(version, 1, 5_000_000)
    assert await _committed_and_trail(database, created["id"]) == before


async def test_an_approval_writes_its_row_trail_and_commitment_together(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry, database: Database
) -> None:
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 5_000_000)
    _, trail_before = await _committed_and_trail(database, created["id"])
    version = await _version(revitalization, tokens, created["id"])
    values, record, commitment = _approval(1_000_000)
    async with database.sessionmaker() as session:
        changed = await repository.apply_transition(
            session,
            created["id"],
            expected_version=version,
            values=values,
            record=record,
            commitment=commitment,
        )
        await session.commit()
    assert changed is not None
    assert not isinstance(changed, Refusal)
    assert (changed.state, changed.approved_amount, changed.version) == (
        "approved",
        1_000_000,
        version + 1,
    )
    assert await _committed_and_trail(database, created["id"]) == (1_000_000, trail_before + 1)


async def _apply_alone(database: Database, application_id: int, version: int, amount: int) -> object:
    """The approval's write as a decision sends it: on PostgreSQL without a transaction, given the
    `Database`; on SQLite in a transaction of its own."""
    values, record, commitment = _approval(amount)
    if not database.is_sqlite:
        return await repository.apply_transition(
            database,
            application_id,
            expected_version=version,
            values=values,
            record=record,
            commitment=commitment,
        )
    async with database.sessionmaker() as session, session.begin():
        return await repository.apply_transition(
            session,
            application_id,
            expected_version=version,
            values=values,
            record=record,
            commitment=commitment,
        )


async def test_a_refused_approval_says_what_the_database_saw(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry, database: Database
) -> None:
    """The refusing statement itself reads the application's version and the budget's room: no budget,
    too little room, no such application; and nothing is written."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    version = await _version(revitalization, tokens, created["id"])
    assert await _apply_alone(database, created["id"], version, 1_000_000) == Refusal(version, None, None)
    await set_budget(revitalization, tokens, 999_999)
    before = await _committed_and_trail(database, created["id"])
    assert await _apply_alone(database, created["id"], version, 1_000_000) == Refusal(version, 1, 999_999)
    assert await _apply_alone(database, created["id"] + 1_000, 1, 1) == Refusal(None, None, None)
    assert await _committed_and_trail(database, created["id"]) == before
    assert await _version(revitalization, tokens, created["id"]) == version
