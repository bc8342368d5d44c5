"""A prefecture's call for applications through the gateway: published, applications received only
while it is open, reviewers without a conflict of interest score, the issuer awards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from services.gateway import clients
from shared.db.engine import Database, create_engine
from tests.integration.conftest import Platform

API = "/revitalization/v1"
WINDOW_SECONDS = 4.0


async def _clients(platform: Platform, scopes: dict[str, str]) -> dict[str, tuple[str, str]]:
    database = Database(create_engine(platform.gateway_database_url))
    issued: dict[str, tuple[str, str]] = {}
    try:
        async with database.sessionmaker() as session:
            for name, scope in scopes.items():
                credentials = await clients.create_client(
                    session, name=f"calls-{name}", scopes={scope}, client_id=f"calls-{name}"
                )
                issued[name] = (credentials.client_id, credentials.client_secret)
            await session.commit()
    finally:
        await database.dispose()
    return issued


async def _bearer(
    http: httpx.AsyncClient, platform: Platform, credentials: tuple[str, str]
) -> dict[str, str]:
    response = await http.post(
        f"{platform.gateway_url}/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _wait_until(instant: datetime) -> None:
    await asyncio.sleep(max(0.0, (instant - datetime.now(UTC)).total_seconds()) + 0.05)


async def test_a_prefecture_call_from_publication_to_award(
    http: httpx.AsyncClient, platform: Platform
) -> None:
    issued = await _clients(
        platform,
        {
            "iwate": "revitalization:review",
            "applicant": "revitalization:apply",
            "r-morioka": "revitalization:review",
            "r-hanamaki": "revitalization:review",
            "r-miyako": "revitalization:review",
        },
    )
    auth = {name: await _bearer(http, platform, credentials) for name, credentials in issued.items()}
    gateway = platform.gateway_url + API
    opens_at = (datetime.now(UTC) + timedelta(seconds=WINDOW_SECONDS)).replace(microsecond=0)
    closes_at = opens_at + timedelta(seconds=WINDOW_SECONDS)
    call = {
        "programme_code": "local10000",
        "fiscal_year": 2024,
        "issuer_code": "030007",
        "title": "岩手県 地域経済循環創造事業 公募",
        "eligibility_summary": "県内の市町村で地域資源を活かして起業する団体",
        "budget_ceiling": 25_000_000,
        "opens_at": opens_at.isoformat(),
        "closes_at": closes_at.isoformat(),
        "rubric": {"criteria": [{"key": "impact", "name": "地域への効果", "weight": 2, "max_score": 5}]},
    }
    published = await http.post(f"{gateway}/calls", json=call, headers=auth["iwate"])
    assert published.status_code == 201, published.text
    call_id = published.json()["id"]
    application = {
        "applicant_name": "株式会社もりおか発酵",
        "organization_id": "8400001000001",
        "municipality_code": "032018",
        "title": "地元大豆の発酵食品工房",
        "summary": "地元産大豆で味噌を造ります。",
        "requested_amount": 20_000_000,
    }
    apply_url = f"{gateway}/calls/{call_id}/applications"

    early = await http.post(apply_url, json=application, headers=auth["applicant"])
    assert early.status_code == 409, early.text
    assert early.json()["type"] == "urn:jichi:problem:call-not-open"
    public = await http.get(f"{gateway}/calls", params={"prefecture": "03", "status": "forecast"})  # no token
    assert call_id in [item["id"] for item in public.json()["items"]]
    calendar = await http.get(f"{gateway}/call-deadlines.ics", params={"prefecture": "03"})
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert f"UID:call-{call_id}@" in calendar.text

    await _wait_until(opens_at)
    received = await http.post(apply_url, json=application, headers=auth["applicant"])
    assert received.status_code == 201, received.text
    application_id = received.json()["id"]
    await _wait_until(closes_at + timedelta(seconds=1))
    late = await http.post(apply_url, json=application, headers=auth["applicant"])
    assert late.status_code == 409
    assert late.json()["status_now"] == "closed"

    panel = {
        "r-morioka": {"municipality_code": "032018"},
        "r-hanamaki": {"municipality_code": "032051"},
        "r-miyako": {"municipality_code": "032026"},
    }
    for reviewer_id, affiliation in panel.items():
        added = await http.post(
            f"{gateway}/calls/{call_id}/reviewers",
            json={"reviewer_id": issued[reviewer_id][0], "name": reviewer_id, **affiliation},
            headers=auth["iwate"],
        )
        assert added.status_code == 201, added.text

    async def assign(reviewer_id: str) -> httpx.Response:
        return await http.post(
            f"{gateway}/call-applications/{application_id}/assignments",
            json={"reviewer_id": issued[reviewer_id][0]},
            headers=auth["iwate"],
        )

    conflicted = await assign("r-morioka")
    assert conflicted.status_code == 409
    assert conflicted.json()["type"] == "urn:jichi:problem:conflict-of-interest"
    score_url = f"{gateway}/call-applications/{application_id}/scores"
    unassigned = await http.post(score_url, json={"points": {"impact": 5}}, headers=auth["r-morioka"])
    assert unassigned.status_code == 403
    decision_url = f"{gateway}/call-applications/{application_id}/decisions"
    award = {"decision": "award", "amount": 20_000_000, "reason": "二名の審査員の評価が高いため"}
    for reviewer_id, points in (("r-hanamaki", 4), ("r-miyako", 5)):
        assert (await assign(reviewer_id)).status_code == 201
        if reviewer_id == "r-miyako":
            too_early = await http.post(
                decision_url, json=award, headers={**auth["iwate"], "If-Match": '"v1"'}
            )
            assert too_early.json()["type"] == "urn:jichi:problem:scores-incomplete"
        scored = await http.post(score_url, json={"points": {"impact": points}}, headers=auth[reviewer_id])
        assert scored.status_code == 201, scored.text

    awarded = await http.post(decision_url, json=award, headers={**auth["iwate"], "If-Match": '"v1"'})
    assert awarded.status_code == 200, awarded.text
    decision = awarded.json()["decision"]
    assert awarded.json()["status"] == "awarded"
    assert sorted(score["total"] for score in decision["cited_scores"]) == [8, 10]
    assert decision["mean_total"] == "9"
    read = await http.get(f"{gateway}/calls/{call_id}")
    assert read.json()["awarded_total"] == 20_000_000
    opportunity = await http.get(f"{gateway}/call-opportunities/{call_id}")
    assert opportunity.json()["status"]["value"] == "closed"
    audit = await http.get(f"{gateway}/calls/{call_id}/audit", headers=auth["iwate"])
    assert [entry["action"] for entry in audit.json()["items"]] == [
        "call_published",
        "application_received",
        "reviewer_added",
        "reviewer_added",
        "reviewer_added",
        "reviewer_assigned",
        "score_recorded",
        "reviewer_assigned",
        "score_recorded",
        "decision",
    ]
