"""`python -m services.registry verify-log` against a running registry: an intact log verifies, and
every tampering an insider with the database could try fails: truncation, a rewritten recipient,
a deleted chain, reordered entries, a forged checkpoint, also when the tree is rebuilt and re-signed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.registry import tables
from services.registry.__main__ import main
from services.registry.accesslog import keys
from services.registry.accesslog.entries import Entry, leaf_hashes
from services.registry.app import create_app
from services.registry.settings import RegistrySettings
from tests.registry.accesslog.proofs import BASE, LOG
from tests.registry.conftest import PURPOSE, person, reset
from tests.support.servers import serving
from tests.support.tokens import TokenFactory, no_revocations

AUDITOR = ("registry:audit", "registry:disclosure")


@dataclass
class Log:
    url: str
    database: str
    client: httpx.AsyncClient
    tokens: TokenFactory
    state: Path
    residents: list[str]

    def headers(self, *scopes: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.tokens.token(*scopes, audience='registry')}",
            "X-Purpose": "audit",
        }

    async def read(self, code: str, times: int = 1) -> None:
        for _ in range(times):
            response = await self.client.get(f"{BASE}/{code}", headers=self.headers("registry:read"))
            assert response.status_code == 200, response.text

    async def sign(self) -> None:
        response = await self.client.post(f"{LOG}/checkpoints", headers=self.headers("registry:audit"))
        assert response.status_code in (200, 201), response.text

    async def sql(self, *statements: str) -> None:
        engine = create_async_engine(self.database)
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
        await engine.dispose()

    async def rebuild_and_resign(self) -> None:
        """What an insider does after editing entries: forget the stored tree and sign anew."""
        await self.sql(
            "DELETE FROM access_log_checkpoints",
            "DELETE FROM access_log_nodes",
            "UPDATE access_log_tree SET size = 0",
            "UPDATE access_log_head SET size = (SELECT count(*) FROM access_log)",
        )
        await self.sign()

    async def verify(self, *options: str, resident: str | None = None) -> int:
        argv = [
            "verify-log",
            "--url",
            self.url,
            "--token",
            self.tokens.token(*AUDITOR, audience="registry"),
            "--state",
            str(self.state),
            *options,
        ]
        if resident is not None:
            argv += ["--resident", resident, "--purpose", PURPOSE]
        return await asyncio.to_thread(main, argv)


@pytest.fixture
async def log(registry_db: str, tokens: TokenFactory, tmp_path: Path) -> AsyncIterator[Log]:
    """A registry served on a loopback port, three residents each read a few times, checkpointed,
    and a verifier that has accepted that checkpoint."""
    app = create_app(
        RegistrySettings(database_url=registry_db, checkpoint_interval_seconds=0),
        jwks_source=tokens.source(),
        revocation_source=no_revocations(),
    )
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        state = tmp_path / "verifier-state.json"
        served = Log(url, registry_db, client, tokens, state, [])
        for given in ("一郎", "二郎", "三郎"):
            response = await client.post(
                BASE, json=person(given_name=given), headers=served.headers("registry:write")
            )
            assert response.status_code == 201, response.text
            served.residents.append(response.json()["resident_code"])
        for code in served.residents:
            await served.read(code, times=3)
        await served.sign()
        assert await served.verify("--full") == 0
        yield served
    await reset(registry_db)


async def test_an_intact_log_verifies_run_after_run(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    saved = json.loads(log.state.read_text())
    assert saved["checkpoint"]["tree_size"] == 9
    assert len(saved["keys"]) == 1
    await log.read(log.residents[0], times=20)
    await log.sign()
    await log.read(log.residents[0])
    assert await log.verify("--full", resident=log.residents[0]) == 0
    out = capsys.readouterr().out
    assert "verify-log: OK: 29 entries" in out
    assert "29 leaves recomputed, 23 records proved, 1 awaiting the next checkpoint" in out
    assert json.loads(log.state.read_text())["checkpoint"]["tree_size"] == 29


async def failure(
    log: Log, capsys: pytest.CaptureFixture[str], *options: str, resident: str | None = None
) -> str:
    before = log.state.read_text()
    capsys.readouterr()
    assert await log.verify(*options, resident=resident) == 1
    assert log.state.read_text() == before, "a failed run must not move the trusted checkpoint"
    out = capsys.readouterr().out
    assert out.startswith("verify-log: FAILED: ")
    return out


async def test_truncation_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    await log.sql("DELETE FROM access_log WHERE leaf_index >= 7")
    await log.rebuild_and_resign()
    assert "shrank from 9 to 7 entries" in await failure(log, capsys)


async def test_truncation_hidden_by_new_entries_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    await log.sql("DELETE FROM access_log WHERE leaf_index >= 7")
    await log.sql("UPDATE access_log_head SET size = 7")
    await log.read(log.residents[1], times=5)
    await log.rebuild_and_resign()
    assert "does not extend the one of 9" in await failure(log, capsys)


async def test_a_rewritten_recipient_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    code = log.residents[1]
    await log.sql(
        f"UPDATE access_log SET client_id = 'someone-else' WHERE leaf_index = 4 AND resident_code = '{code}'"
    )
    assert "not in the signed tree as disclosed" in await failure(log, capsys, resident=code)


async def test_a_rewritten_recipient_with_its_tree_rebuilt_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    # The insider also recomputes the leaf: the tree rebuilt over it has another root for 9 entries.
    await log.sql("UPDATE access_log SET client_id = 'someone-else' WHERE leaf_index = 4")
    engine = create_async_engine(log.database)
    async with async_sessionmaker(engine).begin() as session:
        table = tables.access_log
        row = (await session.execute(select(table).where(table.c.leaf_index == 4))).one()
        entry = Entry(
            row.recorded_at,
            row.client_id,
            row.purpose,
            row.request_id,
            row.operation,
            row.resident_code,
            row.items,
            row.served_by,
        )
        await session.execute(
            update(table).where(table.c.leaf_index == 4).values(leaf_hash=leaf_hashes([entry])[0])
        )
    await engine.dispose()
    await log.rebuild_and_resign()
    assert "two different roots for 9 entries" in await failure(log, capsys)


async def test_a_deleted_chain_of_one_resident_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    await log.sql(f"DELETE FROM access_log WHERE resident_code = '{log.residents[1]}'")
    assert "503" in await failure(log, capsys, "--full")


async def test_a_deleted_chain_renumbered_and_resigned_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    await log.sql(
        f"DELETE FROM access_log WHERE resident_code = '{log.residents[1]}'",
        "UPDATE access_log SET leaf_index = leaf_index - 3 WHERE leaf_index >= 6",
    )
    await log.rebuild_and_resign()
    assert "shrank from 9 to 6 entries" in await failure(log, capsys)


async def test_reordered_entries_are_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    swap = (
        "UPDATE access_log SET leaf_index = -1 WHERE leaf_index = 0",
        "UPDATE access_log SET leaf_index = 0 WHERE leaf_index = 8",
        "UPDATE access_log SET leaf_index = 8 WHERE leaf_index = -1",
    )
    await log.sql(*swap)
    assert "do not make the root" in await failure(log, capsys, "--full")
    assert "not in the signed tree as disclosed" in await failure(log, capsys, resident=log.residents[0])
    await log.rebuild_and_resign()
    assert "two different roots for 9 entries" in await failure(log, capsys)


async def test_a_checkpoint_with_a_bad_signature_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    await log.read(log.residents[2], times=2)
    await log.sign()
    await log.sql(
        "UPDATE access_log_checkpoints SET signature = "
        "(SELECT signature FROM access_log_checkpoints WHERE tree_size = 9) WHERE tree_size = 11"
    )
    assert "checkpoint of 11 entries: the signature is invalid" in await failure(log, capsys)


async def test_a_checkpoint_signed_by_another_key_is_found(
    log: Log, tokens: TokenFactory, registry_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The insider makes a key of their own, publishes it alone, and has the registry sign with it.
    engine = create_async_engine(registry_db)
    async with async_sessionmaker(engine).begin() as session:
        await session.execute(text("DELETE FROM access_log_signing_keys"))
        forged = await keys.signing_key(session, secret="insider")
    await engine.dispose()
    await log.read(log.residents[2])
    app = create_app(
        RegistrySettings(
            database_url=registry_db, checkpoint_interval_seconds=0, log_signing_secret=SecretStr("insider")
        ),
        jwks_source=tokens.source(),
        revocation_source=no_revocations(),
    )
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.post(f"{LOG}/checkpoints", headers=log.headers("registry:audit"))
        assert response.json()["key_id"] == forged.key_id
    out = await failure(log, capsys)
    assert f"signed by key {forged.key_id}, which this verifier does not trust" in out
