"""Purpose codes over HTTP: the public list, and a lookup whose access-log entry shows the decoded purpose."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from shared.contracts.registry import PurposeCodeList
from shared.web.purpose import REGISTERED_PURPOSES
from tests.registry.conftest import ALL_READ, Headers, Register

JAPANESE = "児童手当の認定"
# The exact bytes a generated client sends: ASCII only.
ENCODED = (
    "jichi:purpose:child-allowance; "
    "description*=UTF-8''%E5%85%90%E7%AB%A5%E6%89%8B%E5%BD%93%E3%81%AE%E8%AA%8D%E5%AE%9A"
)


async def test_the_registered_codes_are_listed_without_a_token(registry: httpx.AsyncClient) -> None:
    response = await registry.get("/registry/v1/purposes")
    assert response.status_code == 200
    listed = PurposeCodeList.model_validate(response.json())
    assert [purpose.code for purpose in listed.items] == list(REGISTERED_PURPOSES)
    child_allowance = next(p for p in listed.items if p.code == "jichi:purpose:child-allowance")
    assert child_allowance.legal_basis.startswith("児童手当法")


def purpose_headers(headers: Headers, raw: str) -> dict[str, str]:
    sent = headers(*ALL_READ, purpose=None)
    sent["X-Purpose"] = raw
    return sent


# The current record is answered by the registry's fast path; with a query, by the documented route.
@pytest.mark.parametrize("params", [{}, {"as_of": "2020-01-01"}])
async def test_a_japanese_purpose_sent_as_a_code_is_logged_decoded(
    registry: httpx.AsyncClient, headers: Headers, register: Register, params: dict[str, str]
) -> None:
    code = await register()
    response = await registry.get(
        f"/registry/v1/residents/{code}", headers=purpose_headers(headers, ENCODED), params=params
    )
    assert response.status_code == 200, response.text
    records = await registry.get(
        f"/registry/v1/residents/{code}/access-records", headers=headers("registry:disclosure")
    )
    assert records.json()["items"][0]["purpose"] == f"jichi:purpose:child-allowance {JAPANESE}"


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("jichi:purpose:no-such-purpose", "unknown-purpose"),
        ("jichi:purpose:child-allowance; description*=UTF-8''%E5%85%9", "purpose-required"),
        ("jichi:purpose:child-allowance; description*=UTF-8''%E5%85", "purpose-required"),
        (f"jichi:purpose:child-allowance; description*=UTF-8''{quote('児' * 121)}", "purpose-required"),
    ],
)
async def test_unknown_malformed_and_overlong_purposes_are_400_and_log_nothing(
    registry: httpx.AsyncClient, headers: Headers, register: Register, raw: str, slug: str
) -> None:
    code = await register()
    response = await registry.get(f"/registry/v1/residents/{code}", headers=purpose_headers(headers, raw))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"
    records = await registry.get(
        f"/registry/v1/residents/{code}/access-records", headers=headers("registry:disclosure")
    )
    assert records.json()["items"] == []


@pytest.mark.parametrize(
    ("purpose", "status"),
    [("jichi:purpose:election-roll 選挙人名簿の閲覧", 201), ("jichi:purpose:made-up 選挙人名簿の閲覧", 422)],
)
async def test_a_service_logging_its_own_reads_names_only_registered_codes(
    registry: httpx.AsyncClient, headers: Headers, register: Register, purpose: str, status: int
) -> None:
    code = await register()
    body = {
        "client_id": "municipality-counter",
        "purpose": purpose,
        "operation": "elections_list_voters",
        "reads": [{"resident_code": code, "items": ["basic"]}],
    }
    response = await registry.post(
        "/registry/v1/access-log/entries",
        json=body,
        headers=headers("registry:log", client_id="elections-service", purpose=None),
    )
    assert response.status_code == status, response.text
