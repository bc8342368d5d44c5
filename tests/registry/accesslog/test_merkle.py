"""RFC 9162 Merkle maths, exhaustively: every tree size 1..64, every leaf, every pair of sizes."""

from __future__ import annotations

import hashlib

import pytest

from services.registry.accesslog import merkle

SIZES = range(1, 65)
LEAVES = [merkle.leaf_hash(n.to_bytes(2, "big")) for n in range(64)]
TREE = merkle.MemoryTree(LEAVES)

# The RFC 6962 test vectors (certificate-transparency-go, merkle tree tests): eight leaf inputs
# and the root of each prefix of them.
VECTOR_INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def flip(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 1]) + digest[1:]


def test_the_rfc_vectors() -> None:
    tree = merkle.MemoryTree([merkle.leaf_hash(data) for data in VECTOR_INPUTS])
    assert [tree.root(size).hex() for size in range(1, 9)] == VECTOR_ROOTS
    assert tree.root(0) == merkle.EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_domain_separation() -> None:
    assert merkle.leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


@pytest.mark.parametrize("size", SIZES)
def test_subtrees_fold_into_every_node_and_the_compact_range_into_every_root(size: int) -> None:
    parts = merkle.subtrees(0, size)
    assert [part.level for part in parts] == sorted((part.level for part in parts), reverse=True)
    assert merkle.fold([TREE.range_hash(p.start, p.end) for p in parts]) == TREE.root(size)
    compact = merkle.CompactRange()
    for leaf in LEAVES[:size]:
        compact.append(leaf)
    assert compact.size == size
    assert compact.root() == TREE.root(size)
    assert merkle.CompactRange(size, compact.hashes).root() == TREE.root(size)


@pytest.mark.parametrize("level", range(7))
def test_perfect_root_is_the_subtree_hash(level: int) -> None:
    for index in range(64 >> level):
        part = merkle.Subtree(level, index)
        assert merkle.perfect_root(LEAVES[part.start : part.end]) == TREE.range_hash(part.start, part.end)


@pytest.mark.parametrize("size", SIZES)
def test_every_inclusion_proof_verifies_and_no_tampered_one_does(size: int) -> None:
    root = TREE.root(size)
    for index in range(size):
        proof = TREE.inclusion_proof(index, size)
        for start, end in merkle.inclusion_ranges(index, size):
            assert merkle.fold([TREE.range_hash(p.start, p.end) for p in merkle.subtrees(start, end)]) == (
                TREE.range_hash(start, end)
            )
        assert merkle.verify_inclusion(LEAVES[index], index, size, proof, root)
        assert not merkle.verify_inclusion(flip(LEAVES[index]), index, size, proof, root)
        assert not merkle.verify_inclusion(LEAVES[index], index, size, proof, flip(root))
        assert not merkle.verify_inclusion(LEAVES[index], index, size, [*proof, root], root)
        if proof:
            assert not merkle.verify_inclusion(LEAVES[index], index, size, proof[:-1], root)
            for position in range(len(proof)):
                tampered = [*proof]
                tampered[position] = flip(tampered[position])
                assert not merkle.verify_inclusion(LEAVES[index], index, size, tampered, root)
            if len(proof) > 1:
                assert not merkle.verify_inclusion(LEAVES[index], index, size, proof[::-1], root)
        for other in range(size):
            if other != index:
                assert not merkle.verify_inclusion(LEAVES[index], other, size, proof, root)
    assert not merkle.verify_inclusion(LEAVES[0], size, size, [], root)
    assert not merkle.verify_inclusion(LEAVES[0], -1, size, [], root)


@pytest.mark.parametrize("second", SIZES)
def test_every_consistency_proof_verifies_and_no_tampered_one_does(second: int) -> None:
    second_root = TREE.root(second)
    for first in range(1, second + 1):
        first_root = TREE.root(first)
        proof = TREE.consistency_proof(first, second)
        assert merkle.verify_consistency(first, second, first_root, second_root, proof)
        assert not merkle.verify_consistency(first, second, flip(first_root), second_root, proof)
        assert not merkle.verify_consistency(first, second, first_root, flip(second_root), proof)
        for position in range(len(proof)):
            tampered = [*proof]
            tampered[position] = flip(tampered[position])
            assert not merkle.verify_consistency(first, second, first_root, second_root, tampered)
        if proof:
            assert not merkle.verify_consistency(first, second, first_root, second_root, proof[:-1])
        assert not merkle.verify_consistency(first, second, first_root, second_root, [*proof, first_root])
        if first < second:
            # a rewritten history: one leaf of the old tree changed under a new root
            rewritten = merkle.MemoryTree([*LEAVES[: first - 1], flip(LEAVES[first - 1]), *LEAVES[first:]])
            assert not merkle.verify_consistency(
                first, second, first_root, rewritten.root(second), rewritten.consistency_proof(first, second)
            )
            # a truncated log cannot prove it extends the bigger tree it once signed
            assert not merkle.verify_consistency(second, first, second_root, first_root, proof)


def test_reordered_leaves_change_the_root() -> None:
    swapped = merkle.MemoryTree([LEAVES[1], LEAVES[0], *LEAVES[2:]])
    assert swapped.root() != TREE.root()
    assert not merkle.verify_consistency(2, 64, TREE.root(2), swapped.root(), swapped.consistency_proof(2))


@pytest.mark.parametrize(
    ("start", "end"), [(0, 0), (3, 2), (1, 3), (3, 6), (2, 7), (6, 14), (-1, 1)]
)  # not nodes of any tree
def test_ranges_that_are_not_nodes_are_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError, match=r"range|node"):
        merkle.subtrees(start, end)


def test_proof_arguments_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_ranges(4, 4)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_ranges(0, 4)
    with pytest.raises(ValueError, match="no consistency proof"):
        merkle.consistency_ranges(5, 4)
    with pytest.raises(ValueError, match="one hash per set bit"):
        merkle.CompactRange(3, [LEAVES[0]])
    assert not merkle.verify_consistency(0, 4, TREE.root(0), TREE.root(4), [])
    assert not merkle.verify_consistency(4, 4, TREE.root(4), TREE.root(4), [LEAVES[0]])
