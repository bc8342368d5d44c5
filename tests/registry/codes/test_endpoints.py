"""The code master over HTTP: public reads, as-of lookups, dated changes and successors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shared.contracts.registry import CodeChange, LocalGovernment, LocalGovernmentPage
from tests.registry.conftest import Headers

CODES = "/registry/v1/local-government-codes"
CHANGES = "/registry/v1/local-government-code-changes"

# Hamamatsu's 2024-01-01 ward reorganization (codes as issued; check digits valid).
HAMAMATSU = {
    "effective_date": "2024-01-01",
    "kind": "ward_reorganization",
    "description": "浜松市の行政区再編 (7区 → 3区)",
    "retired_codes": ["221317", "221325", "221333", "221341", "221350", "221368"],
    "new_codes": [
        {
            "code": "221384",
            "name": "浜松市中央区",
            "name_kana": "ハママツシチュウオウク",
            "kind": "designated_city_ward",
        },
        {
            "code": "221392",
            "name": "浜松市浜名区",
            "name_kana": "ハママツシハマナク",
            "kind": "designated_city_ward",
        },
    ],
    "successions": [
        {"code": "221317", "successor_code": "221384"},
        {"code": "221325", "successor_code": "221384"},
        {"code": "221333", "successor_code": "221384"},
        {"code": "221341", "successor_code": "221384"},
        {"code": "221350", "successor_code": "221384"},
        {"code": "221350", "successor_code": "221392"},
        {"code": "221368", "successor_code": "221392"},
    ],
}

# These tests record changes of their own (浜松's 2024 reorganization among them) on the 2018 list.
pytestmark = pytest.mark.usefixtures("code_list_of_2018")


async def test_public_reads(registry: httpx.AsyncClient) -> None:
    chiyoda = LocalGovernment.model_validate((await registry.get(f"{CODES}/131016")).json())
    assert (chiyoda.name, chiyoda.kind, chiyoda.to_date) == ("千代田区", "special_ward", None)
    tokyo_wards = LocalGovernmentPage.model_validate(
        (
            await registry.get(CODES, params={"prefecture": "13", "kind": "special_ward", "page_size": 500})
        ).json()
    )
    assert len(tokyo_wards.items) == 23
    assert (await registry.get(f"{CODES}/131017")).status_code == 422
    assert (await registry.get(f"{CODES}/479993")).status_code == 404
    assert (await registry.get(CODES, params={"prefecture": "48"})).status_code == 422
    assert (await registry.get(CODES, params={"kind": "hamlet"})).status_code == 422


async def test_a_ward_reorganization(registry: httpx.AsyncClient, headers: Headers) -> None:
    before = (await registry.get(f"{CODES}/221317")).json()
    assert before["name"] == "浜松市中区"
    response = await registry.post(CHANGES, json=HAMAMATSU, headers=headers("registry:admin"))
    assert response.status_code == 201, response.text
    change = CodeChange.model_validate(response.json())
    assert change.new_codes == ["221384", "221392"]
    retired = LocalGovernment.model_validate((await registry.get(f"{CODES}/221317")).json())
    assert retired.to_date is not None
    assert retired.successor_codes == ["221384"]
    assert (await registry.get(f"{CODES}/221317", params={"as_of": "2023-12-31"})).status_code == 200
    gone = await registry.get(f"{CODES}/221317", params={"as_of": "2024-01-01"})
    assert gone.status_code == 404
    assert gone.json()["successor_codes"] == ["221384"]
    new = LocalGovernment.model_validate(
        (await registry.get(f"{CODES}/221384", params={"as_of": "2024-06-01"})).json()
    )
    assert new.prefecture == "静岡県"
    assert sorted(new.predecessor_codes) == [
        "221317",
        "221325",
        "221333",
        "221341",
        "221350",
    ]
    split = (await registry.get(f"{CODES}/221350/successors", params={"as_of": "2024-06-01"})).json()
    assert [item["code"] for item in split] == ["221384", "221392"]
    kept = (await registry.get(f"{CODES}/221376/successors", params={"as_of": "2024-06-01"})).json()
    assert [item["code"] for item in kept] == ["221376"]
    old_list = await registry.get(
        CODES,
        params={"prefecture": "22", "kind": "designated_city_ward", "as_of": "2023-01-01", "page_size": 500},
    )
    new_list = await registry.get(
        CODES,
        params={"prefecture": "22", "kind": "designated_city_ward", "as_of": "2024-01-01", "page_size": 500},
    )
    assert len(old_list.json()["items"]) - len(new_list.json()["items"]) == 4
    listed = (await registry.get(CHANGES)).json()["items"]
    assert [item["change_id"] for item in listed] == [change.change_id]


def _change(**overrides: Any) -> dict[str, Any]:
    return {**HAMAMATSU, **overrides}


async def test_bad_changes_are_refused_and_change_nothing(
    registry: httpx.AsyncClient, headers: Headers
) -> None:
    admin = headers("registry:admin")
    cases = [
        (
            _change(
                new_codes=[{"code": "131016", "name": "x", "name_kana": "エックス", "kind": "municipality"}],
                successions=[{"code": "221317", "successor_code": "131016"}],
                retired_codes=["221317"],
            ),
            409,
        ),
        (_change(retired_codes=["479993"], successions=[]), 422),
        (_change(successions=HAMAMATSU["successions"][1:]), 422),
        (_change(retired_codes=["130001"], new_codes=[], successions=[]), 422),
        (_change(effective_date="2024-02-30"), 422),
        (_change(kind="annexation"), 422),
    ]
    for body, status in cases:
        response = await registry.post(CHANGES, json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
    assert (
        await registry.post(CHANGES, json=HAMAMATSU, headers=headers("registry:write"))
    ).status_code == 403
    assert (await registry.post(CHANGES, json=HAMAMATSU)).status_code == 401
    assert (await registry.get(f"{CODES}/221317")).json()["to_date"] is None
    assert (await registry.get(CHANGES)).json()["items"] == []


async def test_concurrent_identical_changes_one_wins(registry: httpx.AsyncClient, headers: Headers) -> None:
    admin = headers("registry:admin")
    responses = await asyncio.gather(
        registry.post(CHANGES, json=HAMAMATSU, headers=admin),
        registry.post(CHANGES, json=HAMAMATSU, headers=admin),
    )
    assert sorted(response.status_code for response in responses) == [201, 409]
    assert len((await registry.get(CHANGES)).json()["items"]) == 1
