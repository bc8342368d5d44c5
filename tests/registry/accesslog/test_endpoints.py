"""The access log over HTTP: every read path writes it, the chain verifies, disclosure lists it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry import tables
from shared.contracts.registry import AccessRecordPage, ChainVerification
from tests.registry.conftest import ALL_READ, CHIYODA, PURPOSE, Headers, Register

BASE = "/registry/v1/residents"


async def disclosed(client: httpx.AsyncClient, headers: Headers, code: str) -> AccessRecordPage:
    response = await client.get(f"{BASE}/{code}/access-records", headers=headers("registry:disclosure"))
    assert response.status_code == 200, response.text
    return AccessRecordPage.model_validate(response.json())


async def test_every_read_path_is_logged(
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
    records = (await disclosed(registry, headers, code)).items
    by_client = {record.client_id: record for record in records}
    assert set(by_client) == {"test-client", "as-of", "number", "match", "bulk", "extract", "feed", "history"}
    assert by_client["as-of"].operation == "get_resident_as_of"
    assert set(by_client["as-of"].items) == {"basic", "address", "individual_number", "history"}
    assert by_client["bulk"].items == ["status"]
    assert by_client["extract"].items == ["basic", "address"]
    assert all(record.purpose == PURPOSE and record.request_id for record in records)
    verification = ChainVerification.model_validate(
        (await registry.get("/registry/v1/access-log/verification", headers=headers("registry:audit"))).json()
    )
    assert verification.valid
    assert verification.entries_checked == len(records)


async def test_the_chain_reports_the_first_modified_row(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    for _ in range(3):
        await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
    records = (await disclosed(registry, headers, code)).items
    tampered = records[-2].entry_id
    engine = create_async_engine(registry_db)
    async with engine.begin() as connection:
        await connection.execute(
            update(tables.access_log)
            .where(tables.access_log.c.entry_id == tampered)
            .values(purpose="nothing to see")
        )
    await engine.dispose()
    result = (
        await registry.get("/registry/v1/access-log/verification", headers=headers("registry:audit"))
    ).json()
    assert result["valid"] is False
    assert result["first_broken"]["entry_id"] == tampered
    assert result["first_broken"]["reason"] == "the entry does not match its hash"
    assert (
        await registry.get("/registry/v1/access-log/verification", headers=headers("registry:read"))
    ).status_code == 403


async def test_a_deleted_row_breaks_the_chain(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    await registry.post(
        f"{BASE}/verifications",
        json={"items": [{"resident_code": code}] * 3},
        headers=headers("registry:read"),
    )
    await registry.get(
        BASE, params={"local_government_code": CHIYODA}, headers=headers("registry:read", "registry:address")
    )
    records = (await disclosed(registry, headers, code)).items
    engine = create_async_engine(registry_db)
    async with engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM access_log WHERE entry_id = :id"), {"id": records[-1].entry_id}
        )
    await engine.dispose()
    result = (
        await registry.get("/registry/v1/access-log/verification", headers=headers("registry:audit"))
    ).json()
    assert result["valid"] is False


async def test_a_lookup_whose_log_cannot_be_written_fails(
    registry: httpx.AsyncClient, headers: Headers, register: Register, registry_db: str
) -> None:
    code = await register()
    engine = create_async_engine(registry_db)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM access_log_heads"))
    await engine.dispose()
    response = await registry.get(f"{BASE}/{code}", headers=headers("registry:read"))
    assert response.status_code == 503
    assert response.json()["type"] == "urn:jichi:problem:access-log-unavailable"
    assert "family_name" not in response.text
    bulk = await registry.post(
        f"{BASE}/verifications", json={"items": [{"resident_code": code}]}, headers=headers("registry:read")
    )
    assert bulk.status_code == 503


@pytest.mark.parametrize("scope", ["registry:read", "registry:audit"])
async def test_disclosure_needs_its_scope(
    registry: httpx.AsyncClient, headers: Headers, register: Register, scope: str
) -> None:
    code = await register()
    assert (await registry.get(f"{BASE}/{code}/access-records", headers=headers(scope))).status_code == 403
