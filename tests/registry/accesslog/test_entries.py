"""An entry's leaf: the published payload format, hashed as RFC 9162 leaves; every field counts."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime

import pytest

from services.registry.accesslog import merkle
from services.registry.accesslog.entries import Entry, leaf_hashes, payload_of
from shared.values import to_rfc3339

AT = datetime(2026, 12, 6, 1, 2, 3, 456789, tzinfo=UTC)
ENTRY = Entry(
    AT, "pension", '年金 "審査"', "req-1", "get_resident", "12345678901", "address,basic", "registry"
)


def leaf_from_the_api(entry: Entry) -> bytes:
    """What a verifier computes from a disclosed record."""
    return merkle.leaf_hash(
        payload_of(
            recorded_at=to_rfc3339(entry.recorded_at),
            served_by=entry.served_by,
            client_id=entry.client_id,
            purpose=entry.purpose,
            request_id=entry.request_id,
            operation=entry.operation,
            resident_code=entry.resident_code,
            items=entry.items,
        )
    )


def test_the_payload_is_the_published_json_array() -> None:
    assert (
        payload_of(
            recorded_at="2026-12-06T01:02:03.456789Z",
            served_by="registry",
            client_id="pension",
            purpose="年金",
            request_id="req-1",
            operation="get_resident",
            resident_code="12345678901",
            items="basic",
        )
        == (
            '["2026-12-06T01:02:03.456789Z","registry","pension","年金","req-1","get_resident",'
            '"12345678901","basic"]'
        ).encode()
    )


def test_the_leaves_of_a_batch_are_those_a_verifier_computes() -> None:
    batch = [
        ENTRY,
        replace(ENTRY, resident_code="23456789012"),  # same provision: serialised once
        replace(ENTRY, served_by="elections-service", client_id="counter"),
        replace(ENTRY, recorded_at=AT.replace(microsecond=0)),
        ENTRY,
    ]
    assert leaf_hashes(batch) == [leaf_from_the_api(entry) for entry in batch]


@pytest.mark.parametrize("name", [field.name for field in fields(Entry)])
def test_every_field_is_in_the_leaf(name: str) -> None:
    other: object = AT.replace(second=4) if name == "recorded_at" else "x"
    changed = replace(ENTRY, **{name: other})  # type: ignore[arg-type]
    assert leaf_hashes([changed]) != leaf_hashes([ENTRY])
