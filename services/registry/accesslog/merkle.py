"""Merkle tree maths of RFC 9162 section 2.1 (pure: no I/O).

A leaf is ``SHA-256(0x00 || entry)``, an interior node ``SHA-256(0x01 || left || right)``; the tree
over n leaves splits at the largest power of two below n. Proofs are built from the hashes of
*ranges* of leaves, each range a node of the tree: `inclusion_ranges` and `consistency_ranges` say
which ranges a proof needs, `subtrees` which complete, aligned subtrees make up a range, and
`fold` turns their hashes into the range's hash. The caller fetches those subtree hashes from
wherever it keeps them (stored nodes, leaves, or `MemoryTree` in tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from hashlib import sha256

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly below `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


@dataclass(frozen=True, slots=True, order=True)
class Subtree:
    """The complete subtree of 2**level leaves starting at leaf ``index * 2**level``."""

    level: int
    index: int

    @property
    def start(self) -> int:
        return self.index << self.level

    @property
    def end(self) -> int:
        return (self.index + 1) << self.level


def subtrees(start: int, end: int) -> list[Subtree]:
    """The complete subtrees, left to right, whose hashes `fold` into the hash of leaves
    [start, end): the range must be a node of some tree (its start a multiple of the largest
    power of two not above its size), as every range a proof names is."""
    if not 0 <= start < end:
        raise ValueError(f"empty or negative range [{start}, {end})")
    parts = []
    while True:
        size = end - start
        if size & (size - 1) == 0:
            if start % size:
                raise ValueError(f"[{start}, {end}) is not a node of a tree")
            parts.append(Subtree(size.bit_length() - 1, start // size))
            return parts
        left = _split(size)
        if start % left:
            raise ValueError(f"[{start}, {end}) is not a node of a tree")
        parts.append(Subtree(left.bit_length() - 1, start // left))
        start += left


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from the hashes of its `subtrees`: each joins what lies to its right."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two count of equal-height subtrees (their parent's hash)."""
    level = list(hashes)
    while len(level) > 1:  # node_hash inlined: a checkpoint hashes once per new leaf here
        level = [sha256(NODE_PREFIX + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size`
    leaves, in proof order (the leaf's sibling first): RFC 9162 2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + _split(end - start)
        if index < middle:
            path.append((middle, end))
            end = middle
        else:
            path.append((start, middle))
            start = middle
    path.reverse()
    return path


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form the consistency proof from a tree of `first` leaves to one
    of `second`, in proof order: RFC 9162 2.1.4.1 (empty when the sizes are equal)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    proof: list[tuple[int, int]] = []
    start, end, whole = 0, second, True
    # SUBPROOF(m, D[start:end], whole), unrolled: each step keeps one half and names the other.
    while first - start != end - start:
        size = end - start
        middle = start + _split(size)
        if first <= middle:
            proof.append((middle, end))
            end = middle
        else:
            proof.append((start, middle))
            start, whole = middle, False
    if not whole:
        proof.append((start, end))
    proof.reverse()
    return proof


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2: does `proof` show the leaf hash `leaf` at `index` in the tree `root`?"""
    if not 0 <= index < size:
        return False
    node, last = index, size - 1
    result = leaf
    for sibling in proof:
        if last == 0:
            return False
        if node % 2 == 1 or node == last:
            result = node_hash(sibling, result)
            if node % 2 == 0:
                while node % 2 == 0 and node != 0:
                    node >>= 1
                    last >>= 1
        else:
            result = node_hash(result, sibling)
        node >>= 1
        last >>= 1
    return last == 0 and result == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree (`second`, `second_root`) an append-only extension of
    (`first`, `first_root`)?"""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        return False
    node, last = first - 1, second - 1
    while node % 2 == 1:
        node >>= 1
        last >>= 1
    old = new = path[0]
    for sibling in path[1:]:
        if last == 0:
            return False
        if node % 2 == 1 or node == last:
            old = node_hash(sibling, old)
            new = node_hash(sibling, new)
            if node % 2 == 0:
                while node % 2 == 0 and node != 0:
                    node >>= 1
                    last >>= 1
        else:
            new = node_hash(new, sibling)
        node >>= 1
        last >>= 1
    return last == 0 and old == first_root and new == second_root


class CompactRange:
    """The root of leaves [0, n) kept as the hashes of its complete subtrees (at most log n of
    them), so a verifier can extend it leaf by leaf without keeping the leaves."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError("a compact range holds one hash per set bit of its size")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        merged = self.size
        while merged & 1:
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            merged >>= 1
        self.size += 1

    def root(self) -> bytes:
        return fold(self.hashes) if self.hashes else EMPTY_ROOT


@dataclass(frozen=True, slots=True)
class MemoryTree:
    """Leaf hashes held in memory: the reference every stored tree is tested against."""

    leaves: Sequence[bytes]

    def range_hash(self, start: int, end: int) -> bytes:
        if end - start == 1:
            return self.leaves[start]
        middle = start + _split(end - start)
        return node_hash(self.range_hash(start, middle), self.range_hash(middle, end))

    def root(self, size: int | None = None) -> bytes:
        size = len(self.leaves) if size is None else size
        return self.range_hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = len(self.leaves) if size is None else size
        return proof_of(inclusion_ranges(index, size), self.range_hash)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        second = len(self.leaves) if second is None else second
        return proof_of(consistency_ranges(first, second), self.range_hash)


def proof_of(ranges: Sequence[tuple[int, int]], range_hash: Callable[[int, int], bytes]) -> list[bytes]:
    return [range_hash(start, end) for start, end in ranges]
