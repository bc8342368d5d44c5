"""The funds filings feed, deadline calendar and non-filers over real HTTP, through the gateway."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from icalendar import Calendar

from services.gateway import clients
from shared.db.engine import Database, create_engine
from tests.integration.conftest import Platform


async def _client_token(
    http: httpx.AsyncClient, platform: Platform, name: str, scopes: set[str]
) -> tuple[str, str]:
    """A new gateway client with these scopes: its id and a token."""
    database = Database(create_engine(platform.gateway_database_url))
    async with database.sessionmaker() as session:
        issued = await clients.create_client(session, name=name, scopes=scopes)
        await session.commit()
    await database.dispose()
    response = await http.post(
        f"{platform.gateway_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(issued.client_id, issued.client_secret),
    )
    assert response.status_code == 200, response.text
    return issued.client_id, response.json()["access_token"]


def _report(year: int) -> dict[str, object]:
    line = {
        "category": "donation_individual",
        "amount": 60_000,
        "transaction_date": f"{year}-05-01",
        "name": "山田 太郎",
        "donor_kind": "individual",
        "address": "東京都千代田区霞が関2-1-2",
        "municipality_code": "131016",
    }
    return {
        "year": year,
        "carried_forward": 0,
        "income_total": 60_000,
        "expenditure_total": 0,
        "balance": 60_000,
        "category_totals": {"donation_individual": 60_000},
        "lines": [line],
    }


async def test_feed_calendar_and_non_filers_through_the_gateway(
    http: httpx.AsyncClient, platform: Platform
) -> None:
    base = f"{platform.gateway_url}/funds/v1"
    _admin_id, admin = await _client_token(http, platform, "funds-admin", {"funds:admin"})
    filer_id, filer = await _client_token(http, platform, "funds-filer", {"funds:file"})
    _other_id, _ = await _client_token(http, platform, "funds-idle", {"funds:file"})
    start = (await http.get(f"{base}/filings")).json()["next_cursor"]

    organizations = []
    for client_id, name in ((filer_id, "統合試験の会"), (_other_id, "未提出の会")):
        created = await http.post(
            f"{base}/organizations",
            headers={"Authorization": f"Bearer {admin}"},
            json={
                "name": name,
                "kind": "other_political_organization",
                "filer_client_id": client_id,
                "representative_name": "代表 太郎",
                "treasurer_name": "会計 花子",
                "office_municipality_code": "011002",
                "office_address": "北海道札幌市中央区北1条西2丁目",
                "registered_date": "2023-01-01",
            },
        )
        assert created.status_code == 201, created.text
        organizations.append(created.json())
    filing, idle = organizations
    filed = await http.post(
        f"{base}/organizations/{filing['id']}/reports",
        headers={"Authorization": f"Bearer {filer}", "Idempotency-Key": "it-feed-1"},
        json=_report(2024),
    )
    assert filed.status_code == 201, filed.text

    feed = await http.get(f"{base}/filings", params={"after": start, "prefecture": "01"})
    assert feed.status_code == 200, feed.text
    body = feed.json()
    assert [(item["organization_id"], item["year"], item["version"]) for item in body["items"]] == [
        (filing["id"], 2024, 1)
    ]
    assert body["items"][0]["organization_name"] == "統合試験の会"
    assert (await http.get(f"{base}/filings", params={"after": body["next_cursor"]})).json()["items"] == []

    calendar = await http.get(f"{base}/organizations/{filing['id']}/deadlines.ics")
    assert calendar.status_code == 200, calendar.text
    assert calendar.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(calendar.content).walk("VEVENT")
    assert [event.decoded("dtstart").isoformat() for event in events][:2] == ["2024-03-31", "2025-03-31"]
    assert len(events) == datetime.now(UTC).year - 2023 + 1

    non_filers = await http.get(f"{base}/non-filers", params={"year": 2024, "prefecture": "01"})
    assert non_filers.status_code == 200, non_filers.text
    late_or_missing = {item["organization_id"]: item["filed_at"] for item in non_filers.json()["items"]}
    # Filed today, long after 31 March 2025: late; the other never filed.
    assert late_or_missing[idle["id"]] is None
    assert late_or_missing[filing["id"]] is not None
