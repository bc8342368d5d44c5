"""Approvals racing other writers on PostgreSQL, where an approval's one statement runs without a
transaction around it: a refusal is explained by what that statement saw, and when it saw the room it
needed (it lost the race while it waited for a lock) the answer still tells the truth."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from services.revitalization.applications import repository
from services.revitalization.applications.repository import BudgetCommitment, Refusal, TransitionRecord
from shared.db.engine import Database, create_engine
from shared.values import utc_now
from tests.revitalization.factories import (
    REVIEW,
    RURAL,
    FakeRegistry,
    cooperator_application,
    decide,
    headers,
    set_budget,
    under_review,
)
from tests.support.tokens import TokenFactory

pytestmark = pytest.mark.postgres_only

BASE = "/revitalization/v1"
BUDGET = f"{BASE}/budgets/cooperators/2024/{RURAL}"


@pytest.fixture
async def other_writer(revitalization_db: str) -> AsyncIterator[asyncpg.Connection]:
    """A second writer on the service's database, as another process would be."""
    dsn = make_url(revitalization_db).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    yield connection
    await connection.close()


async def _waiting_for_a_lock(connection: asyncpg.Connection) -> None:
    """Until some other session of this database waits for a row lock (the approval's statement)."""
    for _ in range(1_000):
        if await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        ):
            return
        await asyncio.sleep(0.01)
    activity = await connection.fetch(
        "SELECT pid, state, wait_event_type, wait_event, left(query, 60) AS query FROM pg_stat_activity "
        "WHERE datname = current_database()"
    )
    raise AssertionError(f"nothing waited for a lock within 10 s: {[dict(a) for a in activity]}")


async def test_room_taken_while_waiting_is_refused_with_the_room_left(
    revitalization: httpx.AsyncClient,
    tokens: TokenFactory,
    registry: FakeRegistry,
    other_writer: asyncpg.Connection,
) -> None:
    """The approval's snapshot shows ¥1,500,000 left; another writer commits ¥1,000,000 of it while the
    approval waits for the budget's lock. Refused, with the ¥500,000 left, not the ¥1,500,000 it saw."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 1_500_000)
    application_id = created["id"]
    async with other_writer.transaction():
        await other_writer.execute(
            "UPDATE budgets SET committed = committed + 1000000, version = version + 1 "
            "WHERE programme_code = 'cooperators' AND fiscal_year = 2024 AND municipality_code = $1",
            RURAL,
        )
        approval = asyncio.ensure_future(
            decide(revitalization, tokens, application_id, "approve", approved_amount=1_000_000)
        )
        await _waiting_for_a_lock(other_writer)
    refused = await approval
    assert refused.status_code == 409, refused.text
    assert (refused.json()["type"], refused.json()["available"]) == (
        "urn:jichi:problem:budget-exhausted",
        500_000,
    )
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert (budget["committed"], budget["available"]) == (1_000_000, 500_000)
    state = await revitalization.get(f"{BASE}/applications/{application_id}", headers=headers(tokens, REVIEW))
    assert state.json()["state"] == "under_review"


async def test_application_changed_while_waiting_is_a_412(
    revitalization: httpx.AsyncClient,
    tokens: TokenFactory,
    registry: FakeRegistry,
    other_writer: asyncpg.Connection,
) -> None:
    """The approval's snapshot shows the application at the version it read and room enough; another
    writer changes the application while the approval waits for its lock: 412, nothing committed."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 5_000_000)
    application_id = created["id"]
    async with other_writer.transaction():
        await other_writer.execute(
            "UPDATE applications SET version = version + 1 WHERE id = $1", application_id
        )
        approval = asyncio.ensure_future(
            decide(revitalization, tokens, application_id, "approve", approved_amount=1_000_000)
        )
        await _waiting_for_a_lock(other_writer)
    refused = await approval
    assert refused.status_code == 412, refused.text
    assert refused.json()["type"] == "urn:jichi:problem:etag-mismatch"
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert budget["committed"] == 0


async def test_room_given_back_after_a_lost_race_is_approved(
    revitalization: httpx.AsyncClient,
    tokens: TokenFactory,
    registry: FakeRegistry,
    other_writer: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The approval loses the room while it waits for the budget's lock; before it runs again the room
    is given back (a withdrawal elsewhere): the run with a fresh snapshot approves."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 1_000_000)
    application_id = created["id"]
    key = "WHERE programme_code = 'cooperators' AND fiscal_year = 2024 AND municipality_code = $1"
    runs: list[object] = []
    apply_transition = repository.apply_transition

    async def then_given_back(*args: Any, **kwargs: Any) -> Any:
        result = await apply_transition(*args, **kwargs)
        runs.append(result)
        if len(runs) == 1:
            await taken.wait()
            await other_writer.execute(
                f"UPDATE budgets SET committed = committed - 1000000, version = version + 1 {key}", RURAL
            )
        return result

    monkeypatch.setattr(repository, "apply_transition", then_given_back)
    taken = asyncio.Event()
    async with other_writer.transaction():
        await other_writer.execute(
            f"UPDATE budgets SET committed = committed + 1000000, version = version + 1 {key}", RURAL
        )
        approval = asyncio.ensure_future(
            decide(revitalization, tokens, application_id, "approve", approved_amount=1_000_000)
        )
        await _waiting_for_a_lock(other_writer)
    taken.set()
    approved = await approval
    assert approved.status_code == 200, approved.text
    assert isinstance(runs[0], Refusal)
    assert runs[0].raced  # its snapshot had the room; the budget's CHECK refused it at the lock
    assert len(runs) == 2
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert budget["committed"] == 1_000_000


async def test_many_approvals_over_few_connections_commit_exactly_the_room(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    """More approvals at once than the service has connections: exactly as many as the room holds are
    approved, each refusal names the room left when it was refused (none by the end), the budget
    is never overspent and every approval has its audit line."""
    ready = [
        await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
        for _ in range(30)
    ]
    await set_budget(revitalization, tokens, 12 * 1_000_000)
    results = await asyncio.gather(
        *(decide(revitalization, tokens, a["id"], "approve", approved_amount=1_000_000) for a in ready)
    )
    assert sorted(r.status_code for r in results) == [200] * 12 + [409] * 18
    refusals = [r.json() for r in results if r.status_code == 409]
    assert {(r["type"], r["available"]) for r in refusals} == {("urn:jichi:problem:budget-exhausted", 0)}
    budget = (await revitalization.get(BUDGET, headers=headers(tokens, REVIEW))).json()
    assert (budget["committed"], budget["available"]) == (12_000_000, 0)
    for response in results:
        if response.status_code == 200:
            trail = await revitalization.get(
                f"{BASE}/applications/{response.json()['id']}/transitions", headers=headers(tokens, REVIEW)
            )
            assert trail.json()["items"][-1]["action"] == "approve"


async def test_a_lost_race_in_a_transaction_undoes_only_its_statement(
    revitalization: httpx.AsyncClient,
    tokens: TokenFactory,
    registry: FakeRegistry,
    other_writer: asyncpg.Connection,
    revitalization_db: str,
) -> None:
    """Given a session in a transaction, the commitment refused at the budget's lock rolls back to a
    savepoint: the refusal is `raced`, nothing of the approval is written, the transaction goes on."""
    created = await under_review(revitalization, tokens, cooperator_application(registry.cooperator()))
    await set_budget(revitalization, tokens, 1_000_000)
    url = f"{BASE}/applications/{created['id']}"
    version = (await revitalization.get(url, headers=headers(tokens, REVIEW))).json()["version"]
    database = Database(create_engine(revitalization_db))
    now = utc_now()
    record = TransitionRecord("approve", "under_review", "approved", "bureau", now, None, {})
    values = {"state": "approved", "approved_amount": 1_000_000, "awarded_at": now, "updated_at": now}
    try:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(text("SELECT 1"))  # connected before the other writer takes its lock
            async with other_writer.transaction():
                await other_writer.execute(
                    "UPDATE budgets SET committed = committed + 1000000 WHERE municipality_code = $1", RURAL
                )
                write = asyncio.ensure_future(
                    repository.apply_transition(
                        session,
                        created["id"],
                        expected_version=version,
                        values=values,
                        record=record,
                        commitment=BudgetCommitment("cooperators", 2024, RURAL, 1_000_000),
                    )
                )
                await _waiting_for_a_lock(other_writer)
            assert await write == Refusal(version, None, None, raced=True)
            assert await session.scalar(text("SELECT count(*) FROM budgets")) == 1
    finally:
        await database.dispose()
    state = (await revitalization.get(url, headers=headers(tokens, REVIEW))).json()
    assert (state["state"], state["version"]) == ("under_review", version)
