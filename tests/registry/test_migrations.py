"""Migration 0005: entries logged before the Merkle tree get leaf indexes in entry-id order and their
leaf hashes, so the first checkpoint covers them; the downgrade chains them in one lane again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.registry import tables
from services.registry.accesslog import checkpoints, merkle
from services.registry.accesslog.entries import payload_of
from services.registry.accesslog.keys import SigningKey
from shared.db.migrations import alembic_config
from shared.values import to_rfc3339
from tests.support.databases import SERVICES_DIR, fresh_database

AT = datetime(2026, 11, 30, 9, 15, 0, 250000, tzinfo=UTC)
# Entry ids out of insertion order: the leaf order follows the ids.
OLD_ENTRIES = [(9, 3, "pension"), (2, 1, "tax"), (5, 2, "municipality")]


async def test_existing_entries_become_the_first_leaves(sqlite_dir: Path) -> None:
    url = await fresh_database("registry_migrations", sqlite_dir)
    config = alembic_config(SERVICES_DIR / "registry" / "migrations", url)
    await asyncio.to_thread(command.upgrade, config, "0004")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for entry_id, sequence, client in OLD_ENTRIES:
            await connection.execute(
                text(
                    "INSERT INTO access_log (entry_id, lane, sequence, recorded_at, client_id, purpose, "
                    "request_id, operation, resident_code, items, hash) VALUES (:id, 7, :sequence, :at, "
                    ":client, '年金', :request, 'get_resident', '12345678901', 'basic,address', :hash)"
                ),
                {
                    "id": entry_id,
                    "sequence": sequence,
                    "at": AT,
                    "client": client,
                    "request": f"r{entry_id}",
                    "hash": bytes(32),
                },
            )
    await asyncio.to_thread(command.upgrade, config, "head")
    async with engine.connect() as connection:
        rows = (
            await connection.execute(select(tables.access_log).order_by(tables.access_log.c.leaf_index))
        ).all()
        head = (await connection.execute(select(tables.access_log_head.c.size))).scalar_one()
        covered = (await connection.execute(select(tables.access_log_tree.c.size))).scalar_one()
    assert [(row.entry_id, row.leaf_index, row.served_by) for row in rows] == [
        (2, 0, "registry"),
        (5, 1, "registry"),
        (9, 2, "registry"),
    ]
    leaves = [
        merkle.leaf_hash(
            payload_of(
                recorded_at=to_rfc3339(AT),
                served_by="registry",
                client_id=row.client_id,
                purpose="年金",
                request_id=f"r{row.entry_id}",
                operation="get_resident",
                resident_code="12345678901",
                items="basic,address",
            )
        )
        for row in rows
    ]
    assert [bytes(row.leaf_hash) for row in rows] == leaves
    assert (head, covered) == (3, 0)
    async with async_sessionmaker(engine).begin() as session:
        signed = await checkpoints.build(
            session, key=SigningKey("k", Ed25519PrivateKey.generate()), origin="o"
        )
    assert signed is not None
    assert signed.root_hash == merkle.MemoryTree(leaves).root()
    await asyncio.to_thread(command.downgrade, config, "0004")
    async with engine.connect() as connection:
        chained = (
            await connection.execute(
                text("SELECT entry_id, lane, sequence FROM access_log ORDER BY entry_id")
            )
        ).all()
        lanes = (await connection.execute(text("SELECT count(*), max(sequence) FROM access_log_heads"))).one()
    assert [tuple(row) for row in chained] == [(2, 0, 1), (5, 0, 2), (9, 0, 3)]
    assert tuple(lanes) == (64, 3)
    await asyncio.to_thread(command.upgrade, config, "head")
    await engine.dispose()
