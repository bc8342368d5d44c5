"""The filings feed through the API: what a filing puts in it, cursors, filters, who sees what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds.tables import filings
from tests.funds.conftest import Funds, amendment, donation, report
from tests.shared.web.test_problems import assert_problem


async def _feed(api: Funds, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = await api.client.get("/funds/v1/filings", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_filings_and_amendments_appear_in_order(api: Funds) -> None:
    start = (await _feed(api))["next_cursor"]
    party = await api.organization("party-a")
    branch = await api.organization(
        "branch-a", "party_branch", party_id=party["id"], office_municipality_code="011002"
    )
    filed = await api.file(party, report([donation(60_000)]))
    assert (await api.file(branch, report([donation(1_000, day="2024-05-01")], year=2024))).status_code == 201
    amended = await api.amend(
        party, 2025, amendment([donation(70_000)], reason="金額訂正"), filed.headers["etag"]
    )
    assert amended.status_code == 201

    feed = await _feed(api, after=start)
    items = feed["items"]
    assert [(i["organization_id"], i["year"], i["version"]) for i in items] == [
        (party["id"], 2025, 1),
        (branch["id"], 2024, 1),
        (party["id"], 2025, 2),
    ]
    sequences = [item["sequence"] for item in items]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    assert feed["next_cursor"] == sequences[-1]
    assert feed["has_more"] is False
    original, branch_filing, amendment_filing = items
    assert original["amends_version"] is None
    assert original["reason"] is None
    assert amendment_filing["amends_version"] == 1
    assert amendment_filing["reason"] == "金額訂正"
    assert amendment_filing["income_total"] == 70_000
    assert branch_filing["prefecture_code"] == "01"
    assert branch_filing["organization_kind"] == "party_branch"
    # The 2025 report of a party (not Diet-member-related) is due 31 March 2026; filed today (2026-12),
    # so late.
    assert original["due_date"] == "2026-03-31"


async def test_cursor_resumes_where_it_stopped(api: Funds) -> None:
    start = (await _feed(api))["next_cursor"]
    for number in range(5):
        organization = await api.organization(f"org-{number}")
        assert (await api.file(organization, report([donation(1_000)]))).status_code == 201
    seen: list[int] = []
    cursor = start
    pages = 0
    while True:
        feed = await _feed(api, after=cursor, limit=2)
        seen += [item["sequence"] for item in feed["items"]]
        cursor = feed["next_cursor"]
        pages += 1
        if not feed["has_more"]:
            break
    assert pages == 3
    assert len(seen) == 5
    assert seen == sorted(seen)
    again = await _feed(api, after=cursor)
    assert again == {"items": [], "next_cursor": cursor, "has_more": False}


async def test_filters_and_the_cursor_past_filtered_filings(api: Funds) -> None:
    start = (await _feed(api))["next_cursor"]
    tokyo = await api.organization("tokyo", "other_political_organization")
    sapporo = await api.organization(
        "sapporo", "other_political_organization", office_municipality_code="011002"
    )
    party = await api.organization("party-a")
    for organization in (tokyo, sapporo, party):
        assert (await api.file(organization, report([donation(1_000)]))).status_code == 201
    hokkaido = await _feed(api, after=start, prefecture="01")
    assert [item["organization_id"] for item in hokkaido["items"]] == [sapporo["id"]]
    # Nothing more matched up to the head: the cursor passes the filings filtered out.
    last = (await _feed(api, after=start))["next_cursor"]
    assert hokkaido["next_cursor"] == last
    others = await _feed(api, after=start, organization_kind="other_political_organization")
    assert [item["organization_id"] for item in others["items"]] == [tokyo["id"], sapporo["id"]]
    both = await _feed(api, after=start, organization_kind="political_party", prefecture="13")
    assert [item["organization_id"] for item in both["items"]] == [party["id"]]
    assert (await _feed(api, after=start, filed_since="2100-01-01"))["items"] == []
    assert len((await _feed(api, after=start, filed_since="2020-01-01"))["items"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"after": -1},
        {"limit": 0},
        {"limit": 1001},
        {"organization_kind": "sect"},
        {"prefecture": "48"},
        {"filed_since": "2025-02-30"},
        {"after": 2**63},
    ],
)
async def test_bad_parameters_are_refused(api: Funds, params: dict[str, Any]) -> None:
    response = await api.client.get("/funds/v1/filings", params=params)
    assert_problem(response, 422, "validation-failed")


async def test_expired_reports_leave_the_public_feed(api: Funds, funds_db: str) -> None:
    """A report is public for three years after its first filing; the regulator still sees it."""
    start = (await _feed(api))["next_cursor"]
    party = await api.organization("party-a")
    assert (await api.file(party, report([donation(1_000)]))).status_code == 201
    engine = create_async_engine(funds_db)
    async with engine.begin() as connection:
        await connection.execute(update(filings).values(public_until=date(2020, 1, 1)))
    await engine.dispose()
    public = await _feed(api, after=start)
    assert public["items"] == []
    assert public["next_cursor"] > start
    regulator = await _feed(api, api.review(), after=start)
    assert [item["organization_id"] for item in regulator["items"]] == [party["id"]]
