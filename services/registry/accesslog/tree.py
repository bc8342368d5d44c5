"""The log's Merkle tree as stored: leaf hashes in `access_log`, complete subtrees in `access_log_nodes`.

Only every `NODE_STRIDE`-th level is stored (subtrees of 16, 256, 4,096 ... leaves): about one
node row per fifteen entries, written when a checkpoint is built. Any other complete subtree
is the `perfect_root` of at most 2**(NODE_STRIDE - 1) stored ones below it, so a root or an
inclusion or consistency proof reads O(log n) rows, never the whole log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.accesslog import repository
from services.registry.accesslog.merkle import Subtree, fold, perfect_root, subtrees

NODE_STRIDE = 4
_GROUP = 1 << NODE_STRIDE
_GROUPS_PER_READ = 4096


class TreeIncompleteError(Exception):
    """Stored leaves or nodes the tree needs are missing: the log was cut or rows deleted."""


async def hashes_between(session: AsyncSession, level: int, start: int, end: int) -> list[bytes]:
    """The stored hashes at `level` (0: the leaves) of indexes [start, end), all of them or raise."""
    run = await repository.hash_run(session, level, start, end)
    if not run.is_whole(start, end):
        raise TreeIncompleteError(f"level {level} lacks hashes in [{start}, {end})")
    return [run.hashes[offset : offset + 32] for offset in range(0, len(run.hashes), 32)]


async def extend(session: AsyncSession, *, covered: int, size: int) -> None:
    """Store the nodes of every stored level that are complete in `size` leaves and were not in
    `covered`, lowest level first (each level is built from the one below)."""
    level = NODE_STRIDE
    while size >> level:
        first, last = covered >> level, size >> level
        for start in range(first, last, _GROUPS_PER_READ):
            end = min(last, start + _GROUPS_PER_READ)
            children = await hashes_between(session, level - NODE_STRIDE, start * _GROUP, end * _GROUP)
            parents = [perfect_root(children[i : i + _GROUP]) for i in range(0, len(children), _GROUP)]
            await repository.insert_nodes(session, level, start, parents)
        level += NODE_STRIDE


def _stored_parts(subtree: Subtree) -> tuple[int, int, int]:
    """The stored level below `subtree` and the index range there that makes it up."""
    base = subtree.level - subtree.level % NODE_STRIDE
    span = subtree.level - base
    return base, subtree.index << span, (subtree.index + 1) << span


async def subtree_hashes(session: AsyncSession, wanted: Iterable[Subtree]) -> dict[Subtree, bytes]:
    """The hashes of complete subtrees, each from its stored parts, in one query per stored level."""
    wanted = set(wanted)
    needed: dict[int, set[int]] = defaultdict(set)
    for subtree in wanted:
        base, start, end = _stored_parts(subtree)
        needed[base].update(range(start, end))
    stored = {
        base: await (
            repository.leaf_hashes_at(session, indexes)
            if base == 0
            else repository.node_hashes_at(session, base, indexes)
        )
        for base, indexes in needed.items()
    }
    hashes = {}
    for subtree in wanted:
        base, start, end = _stored_parts(subtree)
        try:
            hashes[subtree] = perfect_root([stored[base][index] for index in range(start, end)])
        except KeyError:
            raise TreeIncompleteError(f"the stored tree lacks parts of {subtree}") from None
    return hashes


async def range_hashes(
    session: AsyncSession, ranges_by_proof: Sequence[Sequence[tuple[int, int]]]
) -> list[list[bytes]]:
    """The hash of every range of every proof (each range a node of the tree), read together."""
    parts = {item: subtrees(*item) for ranges in ranges_by_proof for item in ranges}
    hashes = await subtree_hashes(session, (part for split in parts.values() for part in split))
    return [[fold([hashes[part] for part in parts[item]]) for item in ranges] for ranges in ranges_by_proof]


async def root(session: AsyncSession, size: int) -> bytes:
    return (await range_hashes(session, [[(0, size)]]))[0][0]
