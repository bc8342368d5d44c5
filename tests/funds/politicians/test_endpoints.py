"""Politicians, the organizations linked to them, Diet-member-related status from the link, and
per-politician totals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds.tables import report_lines
from tests.funds.conftest import Funds, donation, report
from tests.shared.web.test_problems import assert_problem


async def politician(api: Funds, name: str = "候補 一郎", office: str = "diet_member") -> dict[str, Any]:
    response = await api.client.post(
        "/funds/v1/politicians", json={"name": name, "office": office}, headers=api.admin()
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_register_read_and_list(api: Funds) -> None:
    headers = {**api.admin(), "Idempotency-Key": "politician-1"}
    body = {"name": "候補 一郎", "office": "diet_candidate"}
    first = await api.client.post("/funds/v1/politicians", json=body, headers=headers)
    again = await api.client.post("/funds/v1/politicians", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert first.headers["location"] == f"/funds/v1/politicians/{first.json()['id']}"
    read = await api.client.get(first.headers["location"])
    assert read.status_code == 200
    assert read.headers["etag"] == '"v1"'
    assert read.json()["office"] == "diet_candidate"
    listed = (await api.client.get("/funds/v1/politicians")).json()["items"]
    assert [p["id"] for p in listed] == [first.json()["id"]]


@pytest.mark.parametrize(
    ("body", "headers_of", "status", "slug"),
    [
        ({"name": "候補 一郎", "office": "emperor"}, "admin", 422, "validation-failed"),
        ({"name": "", "office": "diet_member"}, "admin", 422, "validation-failed"),
        ({"name": "候補 一郎", "office": "diet_member", "extra": 1}, "admin", 422, "validation-failed"),
        ({"name": "候補 一郎", "office": "diet_member"}, "none", 401, "unauthorized"),
        ({"name": "候補 一郎", "office": "diet_member"}, "review", 403, "insufficient-scope"),
    ],
)
async def test_register_refusals(
    api: Funds, body: dict[str, Any], headers_of: str, status: int, slug: str
) -> None:
    headers = {"admin": api.admin(), "review": api.review(), "none": {}}[headers_of]
    response = await api.client.post("/funds/v1/politicians", json=body, headers=headers)
    assert_problem(response, status, slug)
    assert (await api.client.get("/funds/v1/politicians")).json()["items"] == []


async def test_unknown_politician(api: Funds) -> None:
    assert_problem(await api.client.get("/funds/v1/politicians/999"), 404, "not-found")
    assert_problem(await api.client.get("/funds/v1/politicians/999/totals"), 404, "not-found")


async def test_diet_member_related_follows_the_linked_politician(api: Funds) -> None:
    member = await politician(api, office="diet_member")
    mayor = await politician(api, "市長 花子", office="local_office_holder")
    diet_fmo = await api.organization("fmo-a", "fund_management_organization", politician_id=member["id"])
    local_fmo = await api.organization("fmo-b", "fund_management_organization", politician_id=mayor["id"])
    related = await api.organization("dmr-a", "diet_member_related", politician_id=member["id"])
    assert (diet_fmo["diet_member_related"], local_fmo["diet_member_related"]) == (True, False)
    assert related["diet_member_related"] is True
    assert diet_fmo["politician_id"] == member["id"]
    # The link decides the due date (31 May) and the stricter itemization (an ordinary cost over
    # ¥10,000 is itemized).
    deadlines = (await api.client.get(f"/funds/v1/organizations/{diet_fmo['id']}/deadlines")).json()
    assert deadlines[0]["due_date"] == "2001-05-31"
    cost = {"category": "office", "amount": 20_000, "transaction_date": "2025-04-01", "name": "家主"}
    for organization, published in ((diet_fmo, True), (local_fmo, False)):
        filed = await api.file(organization, report([cost]))
        assert filed.status_code == 201, filed.text
        assert filed.json()["lines"][0]["published"] is published
    linked = (await api.client.get("/funds/v1/organizations", params={"politician_id": member["id"]})).json()
    assert [o["id"] for o in linked["items"]] == [diet_fmo["id"], related["id"]]


@pytest.mark.parametrize(
    ("kind", "office", "fields", "pointer"),
    [
        ("diet_member_related", "local_office_holder", {}, "/politician_id"),
        (
            "fund_management_organization",
            "local_candidate",
            {"diet_member_name": "候補 一郎"},
            "/diet_member_name",
        ),
        ("fund_management_organization", None, {"politician_id": 999}, "/politician_id"),
    ],
)
async def test_links_that_contradict_are_refused(
    api: Funds, kind: str, office: str | None, fields: dict[str, Any], pointer: str
) -> None:
    if office is not None:
        fields = {**fields, "politician_id": (await politician(api, office=office))["id"]}
    body = {
        "name": "会",
        "kind": kind,
        "filer_client_id": "filer",
        "representative_name": "代表 太郎",
        "treasurer_name": "会計 花子",
        "office_municipality_code": "131016",
        "office_address": "東京都千代田区永田町1-7-1",
        "registered_date": "2000-01-01",
        **fields,
    }
    response = await api.client.post("/funds/v1/organizations", json=body, headers=api.admin())
    problem = assert_problem(response, 422, "invalid-organization")
    assert [error["pointer"] for error in problem["errors"]] == [pointer]  # type: ignore[attr-defined]


async def test_own_money_exemption_through_the_link(api: Funds) -> None:
    """The linked politician's own gift to their fund-management organization is not held to the
    per-recipient cap, as when the organization names them."""
    member = await politician(api, "候補 一郎", office="diet_candidate")
    own = await api.organization("fmo-a", "fund_management_organization", politician_id=member["id"])
    lines = [donation(2_000_000, name="候補　一郎"), donation(2_000_000, name="山田 太郎")]
    assert (await api.file(own, report(lines))).status_code == 201
    assert [(f["kind"], f["donor_name"]) for f in await api.findings()] == [
        ("individual_per_recipient_exceeded", "山田 太郎")
    ]


async def test_totals_across_the_politicians_organizations(api: Funds, funds_db: str) -> None:
    member = await politician(api)
    other = await politician(api, "別人 次郎")
    fmo = await api.organization("fmo-a", "fund_management_organization", politician_id=member["id"])
    dmr = await api.organization("dmr-a", "diet_member_related", politician_id=member["id"])
    stranger = await api.organization("fmo-b", "fund_management_organization", politician_id=other["id"])
    empty = await api.organization("fmo-c", "other_political_organization", politician_id=member["id"])
    cost = {"category": "publications", "amount": 70_000, "transaction_date": "2025-04-01", "name": "印刷所"}
    assert (
        await api.file(fmo, report([donation(60_000), donation(30_000, name="小口 次郎"), cost]))
    ).status_code == 201
    assert (await api.file(fmo, report([donation(10_000, day="2024-03-01")], year=2024))).status_code == 201
    company = donation(
        500_000, category="donation_corporate", kind="company", name="甲株式会社", capital_yen=10_000_000
    )
    assert (await api.file(dmr, report([company]))).status_code == 201
    assert (await api.file(stranger, report([donation(999_000)]))).status_code == 201

    response = await api.client.get(f"/funds/v1/politicians/{member['id']}/totals")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["years"] == [
        {
            "year": 2024,
            "income_total": 10_000,
            "expenditure_total": 0,
            "donation_total": 10_000,
            "category_totals": {"donation_individual": 10_000},
        },
        {
            "year": 2025,
            # The unpublished ¥30,000 counts: totals are what the reports declare.
            "income_total": 590_000,
            "expenditure_total": 70_000,
            "donation_total": 590_000,
            "category_totals": {
                "donation_corporate": 500_000,
                "donation_individual": 90_000,
                "publications": 70_000,
            },
        },
    ]
    assert [(o["organization_id"], [y["year"] for y in o["years"]]) for o in body["organizations"]] == [
        (fmo["id"], [2024, 2025]),
        (dmr["id"], [2025]),
        (empty["id"], []),
    ]
    only_2024 = (
        await api.client.get(f"/funds/v1/politicians/{member['id']}/totals", params={"year": 2024})
    ).json()
    assert [y["year"] for y in only_2024["years"]] == [2024]
    engine = create_async_engine(funds_db)
    async with engine.begin() as connection:
        await connection.execute(
            update(report_lines).where(report_lines.c.year == 2024).values(public_until=date(2020, 1, 1))
        )
    await engine.dispose()
    public = (await api.client.get(f"/funds/v1/politicians/{member['id']}/totals")).json()
    assert [y["year"] for y in public["years"]] == [2025]
    regulator = (
        await api.client.get(f"/funds/v1/politicians/{member['id']}/totals", headers=api.review())
    ).json()
    assert [y["year"] for y in regulator["years"]] == [2024, 2025]
