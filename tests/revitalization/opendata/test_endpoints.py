from __future__ import annotations

import csv
import io

import httpx

from tests.revitalization.factories import (
    RURAL,
    FakeRegistry,
    cooperator_application,
    create,
    decide,
    local10000_application,
    set_budget,
    under_review,
)
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
MORIOKA = "岩手県盛岡市"


async def awards(
    client: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> tuple[int, int, str]:
    await set_budget(client, tokens, 10_000_000)
    await set_budget(client, tokens, 100_000_000, programme="local10000")
    resident = registry.cooperator()
    person = await under_review(client, tokens, cooperator_application(resident))
    assert (
        await decide(client, tokens, person["id"], "approve", approved_amount=4_000_000)
    ).status_code == 200
    organisation = await under_review(client, tokens, local10000_application(20_000_000, 20_000_000))
    assert (
        await decide(client, tokens, organisation["id"], "approve", approved_amount=20_000_000)
    ).status_code == 200
    await create(client, tokens, cooperator_application(resident))  # a draft: never published
    return int(person["id"]), int(organisation["id"]), resident


async def test_public_grants_in_360giving_shape_without_personal_data(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    person_id, organisation_id, resident = await awards(revitalization, tokens, registry)
    listed = await revitalization.get(f"{BASE}/open-data/grants", headers={"Accept-Language": "en"})
    assert listed.status_code == 200
    grants = listed.json()["items"]
    assert [g["id"] for g in grants] == [f"360G-jichi-rev-{person_id}", f"360G-jichi-rev-{organisation_id}"]
    person, organisation = grants
    assert person["title"] == f"Local Revitalization Cooperators ({MORIOKA})"
    assert person["recipientOrganization"] == [{"id": f"JP-LGC-{RURAL}", "name": MORIOKA}]
    assert person["amountAwarded"] == 4_000_000
    assert person["amountAppliedFor"] == 5_000_000
    assert person["amountDisbursed"] == 0
    assert person["currency"] == "JPY"
    assert person["plannedDates"] == [{"startDate": "2024-07-01", "endDate": "2025-06-30"}]
    assert person["beneficiaryLocation"][0] == {
        "geoCode": RURAL,
        "geoCodeType": "JIS X 0402",
        "name": MORIOKA,
    }
    assert organisation["beneficiaryLocation"][0]["name"] == MORIOKA
    assert person["grantProgramme"] == [{"code": "cooperators", "title": "Local Revitalization Cooperators"}]
    assert organisation["recipientOrganization"][0]["name"] == "株式会社もりおか発酵"
    assert organisation["title"] == "地元の米を使った発酵食品の工房"
    assert organisation["fundingOrganization"][0]["id"] == "JP-JICHI-LAB"

    package = await revitalization.get(f"{BASE}/open-data/grants.json")
    assert package.headers["Content-Language"] == "ja"
    assert [g["id"] for g in package.json()["grants"]] == [g["id"] for g in grants]
    assert package.json()["grants"][0]["title"] == f"地域おこし協力隊 ({MORIOKA})"

    exported = await revitalization.get(
        f"{BASE}/open-data/grants.csv", headers={"Accept-Language": "ja-x-easy"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["Identifier"] for r in rows] == [g["id"] for g in grants]
    assert rows[0]["Grant Programme:Title"] == "ちいき おこし きょうりょくたい"
    assert rows[1]["Amount Awarded"] == "20000000"
    assert [r["Beneficiary Location:Name"] for r in rows] == [MORIOKA, MORIOKA]
    assert rows[0]["Recipient Org:Name"] == MORIOKA
    again = await revitalization.get(f"{BASE}/open-data/grants", headers={"Accept-Language": "en"})
    assert again.json()["items"] == grants  # stable identifiers and content

    for body in (listed.text, package.text, exported.content.decode("utf-8-sig")):
        assert "山田太郎" not in body
        assert resident not in body
        assert "協力隊応募" not in body
        assert "muni-portal" not in body


async def test_grants_pages_and_filters(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    person_id, organisation_id, _ = await awards(revitalization, tokens, registry)
    first = (await revitalization.get(f"{BASE}/open-data/grants?page_size=1")).json()
    assert [g["id"] for g in first["items"]] == [f"360G-jichi-rev-{person_id}"]
    second = (
        await revitalization.get(f"{BASE}/open-data/grants?page_size=1&page_token={first['next_page_token']}")
    ).json()
    assert [g["id"] for g in second["items"]] == [f"360G-jichi-rev-{organisation_id}"]
    assert second["next_page_token"] is None
    filtered = await revitalization.get(f"{BASE}/open-data/grants.json?programme_code=local10000")
    assert len(filtered.json()["grants"]) == 1
    other_year = await revitalization.get(f"{BASE}/open-data/grants.csv?fiscal_year=2023")
    assert other_year.content.decode("utf-8-sig").count("\n") == 1  # the header only
    mixed = await revitalization.get(
        f"{BASE}/open-data/grants?page_token={first['next_page_token']}&programme_code=x1"
    )
    assert mixed.status_code == 400
    assert (await revitalization.get(f"{BASE}/open-data/grants.json?fiscal_year=abc")).status_code == 422
