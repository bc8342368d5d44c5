"""The hash chain (no database): any edit, gap or cut tail is found."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.registry.accesslog import chain


def entries(count: int) -> list[chain.Entry]:
    at = datetime(2026, 11, 27, 1, 2, 3, 456789, tzinfo=UTC)
    return [
        chain.Entry(at, "pension", "年金", f"req-{n}", "get_resident", f"{n:011d}", "basic")
        for n in range(count)
    ]


def stored(items: list[chain.Entry]) -> list[chain.StoredEntry]:
    hashes = chain.chain(chain.GENESIS, items)
    return [
        chain.StoredEntry(n + 100, n + 1, digest, item)
        for n, (item, digest) in enumerate(zip(items, hashes, strict=True))
    ]


def test_an_intact_lane_verifies() -> None:
    lane = stored(entries(5))
    assert chain.verify_lane(lane, head_sequence=5, head_hash=lane[-1].hash) is None
    assert chain.verify_lane([], head_sequence=0, head_hash=chain.GENESIS) is None


@pytest.mark.parametrize(
    ("tamper", "entry_id", "reason"),
    [
        (
            lambda lane: lane.__setitem__(2, replace(lane[2], entry=replace(lane[2].entry, purpose="x"))),
            102,
            "does not match",
        ),
        (lambda lane: lane.pop(1), 102, "missing before"),
        (lambda lane: lane.pop(), None, "last entries are missing"),
    ],
)
def test_tampering_is_found(tamper: object, entry_id: int | None, reason: str) -> None:
    lane = stored(entries(5))
    head = lane[-1].hash
    tamper(lane)  # type: ignore[operator]
    found = chain.verify_lane(lane, head_sequence=5, head_hash=head)
    assert found is not None
    assert found.entry_id == entry_id
    assert reason in found.reason


def test_a_batch_hashes_as_its_entries_linked_one_by_one() -> None:
    """`chain` serialises a run's shared provision once; the hashes must still be `link`'s."""
    first, second = datetime(2026, 11, 27, 1, 2, 3, tzinfo=UTC), datetime(2026, 11, 27, 1, 2, 4, tzinfo=UTC)
    batch = [
        chain.Entry(first, "pension", "年金", "req-1", "verify_residents", "00000000019", "address,status"),
        chain.Entry(first, "pension", "年金", "req-1", "verify_residents", "00000000027", "status"),
        chain.Entry(first, "pension", "年金", "req-2", "verify_residents", "00000000019", "status"),
        chain.Entry(second, "pension", "年金", "req-2", "verify_residents", "00000000019", "status"),
        chain.Entry(second, "city", '"quoted"', "req-3", "get_resident", "00000000035", "basic"),
        chain.Entry(second, "city", '"quoted"', "req-3", "search_residents", "00000000035", "basic"),
    ]
    expected, previous = [], chain.GENESIS
    for entry in batch:
        previous = chain.link(previous, entry)
        expected.append(previous)
    assert chain.chain(chain.GENESIS, batch) == expected
