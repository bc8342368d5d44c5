"""The access log over HTTP: every read path writes it, the disclosure proves each record against a
signed checkpoint, auditors get consistency proofs and leaf hashes, services log their own reads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.accesslog import checkpoint, merkle
from shared.contracts.registry import (
    Checkpoint,
    CheckpointPage,
    ConsistencyProof,
    LeafHashes,
    LogKeys,
)
from tests.registry.accesslog.proofs import BASE, LOG, disclosed, proves, sign_checkpoint, unb64
from tests.registry.conftest import ALL_READ, CHIYODA, PURPOSE, Headers, Register


async def test_every_read_path_is_logged_and_proved(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register(individual_number="123456789018")
    etag = (await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))).headers["ETag"]
    await registry.post(
        f"{BASE}/{code}/events",
        json={
            "type": "move_within",
            "effective_date": "2000-01-01",
            "address": {"local_government_code": CHIYODA, "address_lines": ["b"]},
        },
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    reads = [
        registry.get(
            f"{BASE}/{code}", headers=headers(*ALL_READ, client_id="as-of"), params={"as_of": "1995-01-01"}
        ),
        registry.post(
            f"{BASE}/by-individual-number",
            json={"individual_number": "123456789018"},
            headers=headers("registry:read", "registry:identity", client_id="number"),
        ),
        registry.post(
            f"{BASE}/matches",
            json={"name": "山田太郎", "date_of_birth": "1990-04-01"},
            headers=headers("registry:read", client_id="match"),
        ),
        registry.post(
            f"{BASE}/verifications",
            json={"items": [{"resident_code": code}]},
            headers=headers("registry:read", client_id="bulk"),
        ),
        registry.get(
            BASE,
            params={"local_government_code": CHIYODA},
            headers=headers("registry:read", "registry:address", client_id="extract"),
        ),
        registry.get(
            "/registry/v1/events", headers=headers("registry:feed", "registry:read", client_id="feed")
        ),
        registry.get(
            f"{BASE}/{code}/events", headers=headers("registry:read", "registry:history", client_id="history")
        ),
    ]
    for call in reads:
        assert (await call).status_code == 200
    before = await disclosed(registry, headers, code)
    assert before.checkpoint is None
    assert all(record.inclusion_proof is None for record in before.items)
    signed = await sign_checkpoint(registry, headers)
    page = await disclosed(registry, headers, code)
    records = page.items
    by_client = {record.client_id: record for record in records}
    assert set(by_client) == {"test-client", "as-of", "number", "match", "bulk", "extract", "feed", "history"}
    assert by_client["as-of"].operation == "get_resident_as_of"
    assert set(by_client["as-of"].items) == {"basic", "address", "individual_number", "history"}
    assert by_client["bulk"].items == ["status"]
    assert by_client["extract"].items == ["basic", "address"]
    assert all(record.purpose == PURPOSE and record.request_id for record in records)
    assert all(record.served_by == "registry" for record in records)
    assert page.checkpoint == signed
    assert signed.tree_size == len(records)
    assert sorted(record.leaf_index for record in records) == list(range(len(records)))
    assert all(proves(record, code, signed) for record in records)


async def test_records_newer_than_the_checkpoint_wait_for_the_next(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
    first = await sign_checkpoint(registry, headers)
    await registry.get(f"{BASE}/{code}", headers=headers("registry:read", client_id="later"))
    page = await disclosed(registry, headers, code)
    assert [record.inclusion_proof is None for record in page.items] == [True, False]
    assert page.checkpoint == first
    second = await sign_checkpoint(registry, headers)
    assert second.tree_size == 2
    assert all(proves(record, code, second) for record in (await disclosed(registry, headers, code)).items)
    assert await sign_checkpoint(registry, headers) == second  # nothing new: the latest one


async def test_checkpoints_are_signed_listed_and_consistent(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    signed = []
    for round_size in (1, 3, 20):
        for _ in range(round_size):
            await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
        signed.append(await sign_checkpoint(registry, headers))
    assert [item.tree_size for item in signed] == [1, 4, 24]
    keys = LogKeys.model_validate((await registry.get(f"{LOG}/keys")).json()).keys
    assert len(keys) == 1
    public = unb64(keys[0].public_key)
    assert checkpoint.key_id_of(public) == keys[0].key_id
    for item in signed:
        assert item.key_id == keys[0].key_id
        body = checkpoint.body(
            origin=item.origin,
            tree_size=item.tree_size,
            root_hash=unb64(item.root_hash),
            signed_at=item.signed_at,
        )
        assert checkpoint.signature_is_valid(public, body, unb64(item.signature))
    listed = CheckpointPage.model_validate(
        (await registry.get(f"{LOG}/checkpoints", headers=headers("registry:audit"))).json()
    )
    assert listed.items == signed
    after = CheckpointPage.model_validate(
        (
            await registry.get(
                f"{LOG}/checkpoints", params={"after_size": 1}, headers=headers("registry:audit")
            )
        ).json()
    )
    assert after.items == signed[1:]
    latest = await registry.get(f"{LOG}/checkpoints/latest", headers=headers("registry:audit"))
    assert Checkpoint.model_validate(latest.json()) == signed[-1]
    for older, newer in [(signed[0], signed[1]), (signed[1], signed[2]), (signed[0], signed[2])]:
        response = await registry.get(
            f"{LOG}/consistency",
            params={"first": older.tree_size, "second": newer.tree_size},
            headers=headers("registry:audit"),
        )
        proof = ConsistencyProof.model_validate(response.json())
        assert merkle.verify_consistency(
            older.tree_size,
            newer.tree_size,
            unb64(older.root_hash),
            unb64(newer.root_hash),
            [unb64(p) for p in proof.proof],
        )
    leaves = LeafHashes.model_validate(
        (
            await registry.get(
                f"{LOG}/leaves", params={"start": 0, "end": 24}, headers=headers("registry:audit")
            )
        ).json()
    )
    assert merkle.MemoryTree([unb64(leaf) for leaf in leaves.leaf_hashes]).root() == unb64(
        signed[-1].root_hash
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "slug"),
    [
        ("/consistency", {"first": 2, "second": 1}, 400, "invalid-tree-sizes"),
        ("/consistency", {"first": 1, "second": 99}, 404, "tree-size-not-checkpointed"),
        ("/consistency", {"first": 0, "second": 1}, 422, "validation-failed"),
        ("/consistency", {"first": "x", "second": 1}, 422, "validation-failed"),
        ("/leaves", {"start": 0, "end": 99}, 404, "tree-size-not-checkpointed"),
        ("/leaves", {"start": 1, "end": 1}, 400, "invalid-leaf-range"),
        ("/leaves", {"start": 0, "end": 1002}, 400, "invalid-leaf-range"),
        ("/checkpoints/latest", {}, 404, "no-checkpoint"),
    ],
)
async def test_auditor_requests_out_of_range_are_problems(
    registry: httpx.AsyncClient,
    headers: Headers,
    register: Register,
    path: str,
    params: dict[str, Any],
    status: int,
    slug: str,
) -> None:
    if path != "/checkpoints/latest":
        code = await register()
        await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
        await sign_checkpoint(registry, headers)
    response = await registry.get(LOG + path, params=params, headers=headers("registry:audit"))
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"


async def test_an_empty_log_has_nothing_to_sign(registry: httpx.AsyncClient, headers: Headers) -> None:
    response = await registry.post(f"{LOG}/checkpoints", headers=headers("registry:audit"))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:jichi:problem:no-checkpoint"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/checkpoints"),
        ("get", "/checkpoints"),
        ("get", "/checkpoints/latest"),
        ("get", "/consistency?first=1&second=1"),
        ("get", "/leaves?start=0&end=1"),
    ],
)
async def test_auditor_operations_need_the_audit_scope(
    registry: httpx.AsyncClient, headers: Headers, method: str, path: str
) -> None:
    response = await registry.request(
        method, LOG + path, headers=headers("registry:read", "registry:disclosure")
    )
    assert response.status_code == 403


async def test_a_service_logs_its_own_reads(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    first, second = await register(), await register(given_name="花子")
    body = {
        "client_id": "municipality-counter",
        "purpose": "  選挙人名簿の閲覧  ",
        "operation": "elections_list_voters",
        "reads": [
            {"resident_code": first, "items": ["basic", "address"]},
            {"resident_code": second, "items": ["basic"]},
        ],
    }
    service = headers("registry:log", client_id="elections-service", purpose=None)
    response = await registry.post(f"{LOG}/entries", json=body, headers=service)
    assert response.status_code == 201, response.text
    assert response.json() == {"logged": 2}
    await sign_checkpoint(registry, headers)
    (record,) = (await disclosed(registry, headers, first)).items
    assert (record.served_by, record.client_id, record.purpose, record.operation) == (
        "elections-service",
        "municipality-counter",
        "選挙人名簿の閲覧",
        "elections_list_voters",
    )
    assert record.items == ["address", "basic"]
    page = await disclosed(registry, headers, first)
    assert page.checkpoint is not None
    assert proves(record, first, page.checkpoint)
    assert (await disclosed(registry, headers, second)).items[0].items == ["basic"]


def one_read(resident_code: str) -> dict[str, Any]:
    """Another service's request to log one read of `resident_code`."""
    return {
        "client_id": "c",
        "purpose": "p",
        "operation": "elections_list_voters",
        "reads": [{"resident_code": resident_code, "items": ["basic"]}],
    }


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"purpose": "\u200b"}, 422),
        ({"purpose": "a\u0007b"}, 422),
        ({"reads": []}, 422),
        ({"reads": [{"resident_code": "12345678901", "items": ["basic"]}]}, 422),
        ({"operation": "Drop Table"}, 422),
        ({"served_by": "registry"}, 422),
    ],
)
async def test_a_service_log_request_that_does_not_fit_is_refused(
    registry: httpx.AsyncClient, headers: Headers, register: Register, change: dict[str, Any], status: int
) -> None:
    code = await register()
    response = await registry.post(
        f"{LOG}/entries", json={**one_read(code), **change}, headers=headers("registry:log", purpose=None)
    )
    assert response.status_code == status, response.text
    assert (await disclosed(registry, headers, code)).items == []


async def test_only_service_clients_with_the_log_scope_may_log(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    response = await registry.post(
        f"{LOG}/entries", json=one_read(code), headers=headers("registry:read", "registry:audit")
    )
    assert response.status_code == 403


async def test_a_read_whose_log_cannot_be_written_fails(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    engine = create_async_engine(registry_db)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM access_log_head"))
    await engine.dispose()
    response = await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
    assert response.status_code == 503
    assert response.json()["type"] == "urn:jichi:problem:access-log-unavailable"
    assert "family_name" not in response.text
    bulk = await registry.post(
        f"{BASE}/verifications", json={"items": [{"resident_code": code}]}, headers=headers("registry:read")
    )
    assert bulk.status_code == 503
    as_of = await registry.get(f"{BASE}/{code}", params={"as_of": "2000-01-01"}, headers=headers(*ALL_READ))
    assert as_of.status_code == 503
    logged = await registry.post(
        f"{LOG}/entries",
        json=one_read(code),
        headers=headers("registry:log", purpose=None),
    )
    assert logged.status_code == 503


@pytest.mark.parametrize("scope", ["registry:read", "registry:audit"])
async def test_disclosure_needs_its_scope(
    registry: httpx.AsyncClient, headers: Headers, register: Register, scope: str
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}/access-records", headers=headers(scope))).status_code == 403
