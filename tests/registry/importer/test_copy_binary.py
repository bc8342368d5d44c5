"""The binary COPY stream the workers build (checked byte by byte; the import tests send it to PostgreSQL)."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime

from services.registry.importer.copy_binary import encode_rows

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)


def field(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data


def test_every_kind_of_value() -> None:
    row = (
        "山田\n太郎",
        None,
        date(2000, 1, 2),
        datetime(2000, 1, 1, 0, 0, 1, 5, tzinfo=UTC),
        True,
        False,
        1,
        b"\x00\x01",
    )
    expected = (
        HEADER
        + struct.pack(">h", 8)
        + field("山田\n太郎".encode())
        + b"\xff\xff\xff\xff"
        + field(struct.pack(">i", 1))
        + field(struct.pack(">q", 1_000_005))
        + field(b"\x01")
        + field(b"\x00")
        + field(struct.pack(">i", 1))
        + field(b"\x00\x01")
        + b"\xff\xff"
    )
    assert encode_rows([row]) == expected
    assert encode_rows([row, row]) == expected[:-2] + expected[len(HEADER) : -2] + b"\xff\xff"


def test_equal_values_of_different_types_stay_apart() -> None:
    first = encode_rows([(1, True, date(2000, 1, 1))])
    second = encode_rows([(True, 1, datetime(2000, 1, 1, tzinfo=UTC))])
    assert first[len(HEADER) + 2 :].startswith(field(struct.pack(">i", 1)) + field(b"\x01"))
    assert second[len(HEADER) + 2 :].startswith(
        field(b"\x01") + field(struct.pack(">i", 1)) + field(bytes(8))
    )
    assert encode_rows([]) == HEADER + b"\xff\xff"
