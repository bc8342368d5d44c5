"""Reading the access log as a verifier does: disclosures, checkpoints, and checking proofs."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from services.registry.accesslog import merkle
from services.registry.accesslog.entries import payload_of
from shared.contracts.registry import AccessRecord, AccessRecordPage, Checkpoint
from tests.registry.conftest import Headers

BASE = "/registry/v1/residents"
LOG = "/registry/v1/access-log"


def unb64(value: str) -> bytes:
    return base64.b64decode(value)


async def disclosed(
    client: httpx.AsyncClient, headers: Headers, code: str, **params: Any
) -> AccessRecordPage:
    response = await client.get(
        f"{BASE}/{code}/access-records", headers=headers("registry:disclosure"), params=params
    )
    assert response.status_code == 200, response.text
    return AccessRecordPage.model_validate(response.json())


async def sign_checkpoint(client: httpx.AsyncClient, headers: Headers) -> Checkpoint:
    response = await client.post(f"{LOG}/checkpoints", headers=headers("registry:audit"))
    assert response.status_code in (200, 201), response.text
    return Checkpoint.model_validate(response.json())


def leaf_of(record: AccessRecord, resident_code: str) -> bytes:
    return merkle.leaf_hash(
        payload_of(
            recorded_at=record.recorded_at,
            served_by=record.served_by,
            client_id=record.client_id,
            purpose=record.purpose,
            request_id=record.request_id,
            operation=record.operation,
            resident_code=resident_code,
            items=",".join(record.items),
        )
    )


def proves(record: AccessRecord, resident_code: str, signed: Checkpoint) -> bool:
    assert record.inclusion_proof is not None
    return merkle.verify_inclusion(
        leaf_of(record, resident_code),
        record.leaf_index,
        signed.tree_size,
        [unb64(p) for p in record.inclusion_proof],
        unb64(signed.root_hash),
    )
