"""Deadlines through the API: an organization's calendar (JSON and iCalendar) and the non-filers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds.tables import reports
from tests.funds.conftest import Funds, donation, report
from tests.shared.web.test_problems import assert_problem


async def _set_first_filing(funds_db: str, organization_id: int, year: int, at: datetime) -> None:
    engine = create_async_engine(funds_db)
    async with engine.begin() as connection:
        await connection.execute(
            update(reports)
            .where(reports.c.organization_id == organization_id, reports.c.year == year)
            .values(first_filed_at=at)
        )
    await engine.dispose()


async def _file(api: Funds, organization: dict[str, Any], year: int) -> None:
    body = report([donation(1_000, day=f"{year}-05-01")], year=year)
    assert (await api.file(organization, body)).status_code == 201


async def test_deadlines_from_registration_to_this_year(api: Funds, funds_db: str) -> None:
    party = await api.organization("party-a", registered_date="2023-06-01")
    member = await api.organization(
        "member-a", "fund_management_organization", diet_member_name="山田 太郎", registered_date="2024-01-01"
    )
    await _file(api, party, 2023)
    # Filed at 23:30 UTC on 31 March 2024, which is 1 April in Japan: late.
    await _set_first_filing(funds_db, party["id"], 2023, datetime(2024, 3, 31, 23, 30, tzinfo=UTC))
    response = await api.client.get(f"/funds/v1/organizations/{party['id']}/deadlines")
    assert response.status_code == 200, response.text
    deadlines = response.json()
    this_year = datetime.now(UTC).year
    assert [d["year"] for d in deadlines] == list(range(2023, this_year + 1))
    assert deadlines[0] == {
        "organization_id": party["id"],
        "year": 2023,
        "due_date": "2024-03-31",
        "filed_at": "2024-03-31T23:30:00Z",
        "filed_late": True,
    }
    assert deadlines[1]["filed_at"] is None
    assert deadlines[1]["filed_late"] is None
    member_deadlines = (await api.client.get(f"/funds/v1/organizations/{member['id']}/deadlines")).json()
    assert member_deadlines[0]["due_date"] == "2025-05-31"


async def test_a_dissolved_organization_reports_up_to_its_dissolution(api: Funds) -> None:
    party = await api.organization("party-a", registered_date="2020-01-01", dissolved_date="2021-07-01")
    deadlines = (await api.client.get(f"/funds/v1/organizations/{party['id']}/deadlines")).json()
    assert [d["year"] for d in deadlines] == [2020, 2021]


async def test_the_calendar_is_icalendar(api: Funds, funds_db: str) -> None:
    member = await api.organization(
        "member-a", "diet_member_related", diet_member_name="山田 太郎", registered_date="2024-01-01"
    )
    await _file(api, member, 2024)
    await _set_first_filing(funds_db, member["id"], 2024, datetime(2025, 5, 30, 1, 0, tzinfo=UTC))
    response = await api.client.get(f"/funds/v1/organizations/{member['id']}/deadlines.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == datetime.now(UTC).year - 2024 + 1
    first = events[0]
    assert str(first["uid"]) == f"funds-{member['id']}-2024-report@jichi"
    assert first.decoded("dtstart").isoformat() == "2025-05-31"
    assert first.decoded("dtend").isoformat() == "2025-06-01"
    assert "提出済み 2025-05-30" in str(first["description"])
    assert "未提出" in str(events[1]["description"])
    again = await api.client.get(f"/funds/v1/organizations/{member['id']}/deadlines.ics")
    assert again.content == response.content


@pytest.mark.parametrize("path", ["deadlines", "deadlines.ics"])
async def test_unknown_organization(api: Funds, path: str) -> None:
    assert_problem(await api.client.get(f"/funds/v1/organizations/999999/{path}"), 404, "not-found")
    assert_problem(await api.client.get(f"/funds/v1/organizations/0/{path}"), 422, "validation-failed")


async def _non_filers(api: Funds, **params: Any) -> list[dict[str, Any]]:
    response = await api.client.get("/funds/v1/non-filers", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_non_filers_of_a_year(api: Funds, funds_db: str) -> None:
    on_time = await api.organization("on-time")
    late = await api.organization("late")
    missing = await api.organization("missing", office_municipality_code="011002")
    member = await api.organization("member", "fund_management_organization", diet_member_name="山田 太郎")
    local = await api.organization("local", "fund_management_organization")
    await api.organization("later", registered_date="2025-01-01")
    await api.organization("gone", registered_date="2000-01-01", dissolved_date="2023-12-31")
    for organization in (on_time, late, member):
        await _file(api, organization, 2024)
    await _set_first_filing(funds_db, on_time["id"], 2024, datetime(2025, 3, 31, 14, 59, tzinfo=UTC))
    await _set_first_filing(funds_db, late["id"], 2024, datetime(2025, 3, 31, 15, 0, tzinfo=UTC))
    # The Diet member's organization is due 31 May: April is on time.
    await _set_first_filing(funds_db, member["id"], 2024, datetime(2025, 4, 20, tzinfo=UTC))
    items = await _non_filers(api, year=2024)
    assert [(i["organization_id"], i["filed_at"]) for i in items] == [
        (late["id"], "2025-03-31T15:00:00Z"),
        (missing["id"], None),
        (local["id"], None),
    ]
    assert {i["due_date"] for i in items} == {"2025-03-31"}
    assert [i["organization_id"] for i in await _non_filers(api, year=2024, still_missing=True)] == [
        missing["id"],
        local["id"],
    ]
    assert [i["organization_id"] for i in await _non_filers(api, year=2024, prefecture="01")] == [
        missing["id"]
    ]
    kind = await _non_filers(api, year=2024, organization_kind="fund_management_organization")
    assert [(i["organization_id"], i["diet_member_related"]) for i in kind] == [(local["id"], False)]


async def test_non_filers_are_paged(api: Funds) -> None:
    for number in range(3):
        await api.organization(f"org-{number}")
    first = (await api.client.get("/funds/v1/non-filers", params={"year": 2024, "page_size": 2})).json()
    assert len(first["items"]) == 2
    assert first["next_page_token"]
    rest = await _non_filers(api, year=2024, page_size=2, page_token=first["next_page_token"])
    assert len(rest) == 1
    moved = await api.client.get(
        "/funds/v1/non-filers", params={"year": 2023, "page_token": first["next_page_token"]}
    )
    assert_problem(moved, 400, "invalid-page-token")


async def test_nobody_is_late_before_the_due_date(api: Funds) -> None:
    await api.organization("org")
    this_year = datetime.now(UTC).year
    assert await _non_filers(api, year=this_year) == []


@pytest.mark.parametrize("params", [{}, {"year": 1900}, {"year": 2024, "organization_kind": "x"}])
async def test_non_filers_bad_parameters(api: Funds, params: dict[str, Any]) -> None:
    assert_problem(await api.client.get("/funds/v1/non-filers", params=params), 422, "validation-failed")
