"""The stored tree gives the roots and proofs of the in-memory reference, built a checkpoint at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from services.registry.accesslog import checkpoints, merkle, repository, service, tree
from services.registry.accesslog.entries import Entry, leaf_hashes
from services.registry.accesslog.keys import SigningKey

# Sizes around the stored levels' edges (16 and 256 leaves) and one past the third (4,096).
CHECKPOINT_SIZES = [1, 2, 15, 16, 17, 31, 255, 256, 257, 300, 511, 513, 4097]
KEY = SigningKey("test", Ed25519PrivateKey.generate())
AT = datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)


def entries(start: int, end: int) -> list[Entry]:
    return [
        Entry(AT, f"client-{n % 7}", "test", f"r{n}", "get_resident", f"{n:011d}", "basic")
        for n in range(start, end)
    ]


@pytest.fixture
async def session(registry: httpx.AsyncClient, registry_db: str) -> AsyncIterator[AsyncSession]:
    """A session on the registry's database (the `registry` fixture resets it afterwards)."""
    engine = create_async_engine(registry_db)
    async with async_sessionmaker(engine)() as opened:
        yield opened
    await engine.dispose()


async def test_roots_and_proofs_match_the_reference_at_every_checkpoint(session: AsyncSession) -> None:
    reference = merkle.MemoryTree(leaf_hashes(entries(0, CHECKPOINT_SIZES[-1])))
    appended = 0
    for size in CHECKPOINT_SIZES:
        await service.append_in_transaction(session, entries=entries(appended, size))
        appended = size
        signed = await checkpoints.build(session, key=KEY, origin="test")
        await session.commit()
        assert signed is not None
        assert signed.tree_size == size
        assert signed.root_hash == reference.root(size)
        indexes = sorted({0, size // 3, size // 2, size - 1})
        proofs = await tree.range_hashes(session, [merkle.inclusion_ranges(index, size) for index in indexes])
        assert proofs == [reference.inclusion_proof(index, size) for index in indexes]
        earlier = [first for first in CHECKPOINT_SIZES if first <= size] + [size // 2 + 1]
        consistency = await tree.range_hashes(
            session, [merkle.consistency_ranges(first, size) for first in earlier]
        )
        assert consistency == [reference.consistency_proof(first, size) for first in earlier]
    assert await checkpoints.build(session, key=KEY, origin="test") is None
    stored = (await session.execute(text("SELECT count(*) FROM access_log_nodes"))).scalar_one()
    assert stored == CHECKPOINT_SIZES[-1] // 16 + CHECKPOINT_SIZES[-1] // 256 + CHECKPOINT_SIZES[-1] // 4096


async def test_a_missing_leaf_stops_the_next_checkpoint(session: AsyncSession) -> None:
    await service.append_in_transaction(session, entries=entries(0, 40))
    await session.execute(text("DELETE FROM access_log WHERE leaf_index = 20"))
    await session.commit()
    with pytest.raises(tree.TreeIncompleteError):
        await checkpoints.build(session, key=KEY, origin="test")
    await session.rollback()
    assert await repository.latest_checkpoint(session) is None


async def test_a_head_behind_the_tree_stops_the_next_checkpoint(session: AsyncSession) -> None:
    await service.append_in_transaction(session, entries=entries(0, 5))
    assert await checkpoints.build(session, key=KEY, origin="test") is not None
    await session.execute(text("UPDATE access_log_head SET size = 3"))
    with pytest.raises(tree.TreeIncompleteError):
        await checkpoints.build(session, key=KEY, origin="test")
