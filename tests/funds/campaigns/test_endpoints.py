"""Campaign reports through the API, with the elections service faked at the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds import tables
from services.funds.app import create_app
from services.funds.settings import FundsSettings
from services.funds.state import funds_state_of
from shared.http.gateway_client import GatewayClient
from shared.values import JST, utc_now
from tests.conftest import running
from tests.funds.conftest import KEPT_TABLES
from tests.shared.web.test_problems import assert_problem
from tests.support.databases import empty_tables
from tests.support.tokens import TokenFactory, no_revocations

NOBEOKA = "452033"
TREASURER = "出納 一郎"


def polling_days_ago(days: int) -> str:
    return (utc_now().astimezone(JST).date() - timedelta(days=days)).isoformat()


class Elections:
    """What the elections service answers through the gateway (mutable by each test)."""

    def __init__(self) -> None:
        self.electors = 108_100
        self.kind = "mayor"
        self.seats = 1
        self.codes = [NOBEOKA]
        self.polling_day = polling_days_ago(1)
        self.seen: list[httpx.Request] = []
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 300})
        if self.down:
            return httpx.Response(503, json={})
        if path in ("/elections/v1/candidates/5", "/elections/v1/candidates/7"):
            return httpx.Response(200, json=self.candidate(int(path.rsplit("/", 1)[1])))
        if path == "/elections/v1/candidates/6":
            return httpx.Response(200, json={**self.candidate(6), "election_id": 2})
        if path == "/elections/v1/contests/3":
            return httpx.Response(200, json=self.contest())
        if path == "/elections/v1/elections/1":
            return httpx.Response(200, json=self.election())
        if path == "/elections/v1/elections/1/turnout" and request.url.params.get("contest_id") == "3":
            return httpx.Response(200, json=self.turnout())
        return httpx.Response(404, json={})

    def candidate(self, candidate_id: int) -> dict[str, Any]:
        return {
            "id": candidate_id,
            "election_id": 1,
            "contest_id": 3,
            "name": "延岡 太郎",
            "kana": "ノベオカ タロウ",
            "birth_date": "1970-01-01",
            "party_id": None,
            "deposit_yen": 1_000_000,
            "list_rank": None,
            "priority_rank": None,
            "created_at": "2026-10-01T00:00:00Z",
            "version": 1,
        }

    def contest(self) -> dict[str, Any]:
        return {
            "id": 3,
            "election_id": 1,
            "name": "延岡市長選挙",
            "kind": self.kind,
            "seats": self.seats,
            "local_government_codes": self.codes,
            "created_at": "2026-10-01T00:00:00Z",
            "version": 1,
        }

    def election(self) -> dict[str, Any]:
        return {
            "id": 1,
            "name": "延岡市長選挙",
            "announcement_date": "2026-10-18",
            "polling_day": self.polling_day,
            "reference_date": "2026-10-17",
            "early_voting_start_date": "2026-10-19",
            "early_voting_end_date": "2026-10-24",
            "version": 1,
            "created_at": "2026-10-01T00:00:00Z",
        }

    def turnout(self) -> dict[str, Any]:
        def figure(electors: int) -> dict[str, Any]:
            return {"electors": electors, "voters": 0, "turnout_percent": "0.00"}

        return {
            "election_id": 1,
            "scope": "contest:3",
            "by_sex": {
                "male": figure(self.electors - 100),
                "female": figure(100),
                "other": figure(0),
                "total": figure(self.electors),
            },
            "by_method": {},
            "by_age_band": [],
        }


@pytest.fixture
def elections() -> Elections:
    return Elections()


@pytest.fixture
async def funds(
    funds_db: str, tokens: TokenFactory, elections: Elections
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        FundsSettings(database_url=funds_db), jwks_source=tokens.source(), revocation_source=no_revocations()
    )
    http = httpx.AsyncClient(transport=httpx.MockTransport(elections.handler))
    gateway = GatewayClient(
        http, gateway_url="http://gw", client_id="funds", client_secret="s", scopes="elections:read"
    )
    async with running(app) as client:
        app.state.funds = replace(funds_state_of(app), elections_clients=lambda: gateway)
        yield client
    await http.aclose()
    await empty_tables(funds_db, tables.metadata, keep=KEPT_TABLES)


def filer(tokens: TokenFactory, client_id: str = "treasurer-5", **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens.token('funds:file', audience='funds', client_id=client_id)}",
        **extra,
    }


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "election_id": 1,
        "candidate_id": 5,
        "treasurer_name": TREASURER,
        "donations": [
            {
                "name": "山田 太郎",
                "donor_kind": "individual",
                "amount": 60_000,
                "transaction_date": "2026-10-10",
                "address": "宮崎県延岡市東本小路2-1",
                "municipality_code": NOBEOKA,
            },
            {
                "name": "延岡建設 株式会社",
                "donor_kind": "company",
                "amount": 300_000,
                "transaction_date": "2026-10-12",
                "address": "宮崎県延岡市本町1-1",
                "municipality_code": NOBEOKA,
            },
            {
                "name": "鈴木 一",
                "donor_kind": "individual",
                "amount": 10_000,
                "transaction_date": "2026-10-12",
            },
        ],
        "expenditures": [
            {
                "payee": "印刷 株式会社",
                "purpose": "ポスター印刷",
                "amount": 8_000_000,
                "transaction_date": "2026-10-19",
            },
            {
                "payee": "延岡不動産",
                "purpose": "選挙事務所借料",
                "amount": 40_000,
                "transaction_date": "2026-10-19",
            },
        ],
        **overrides,
    }


def kinds(version: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in version["findings"]]


async def test_file_amend_and_publish(funds: httpx.AsyncClient, tokens: TokenFactory) -> None:
    filed = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert filed.status_code == 201, filed.text
    assert filed.headers["ETag"] == '"v1"'
    report = filed.json()
    report_id = report["report_id"]
    assert filed.headers["Location"] == f"/funds/v1/campaign-reports/{report_id}/versions/1"
    # 108,100 × 81 + 3,100,000 (a city other than a designated city).
    assert report["spending_cap"]["amount"] == 11_856_100
    assert report["spending_cap"]["office"] == "city_mayor"
    assert report["spending_cap"]["verified"] is True
    assert (report["income_total"], report["expenditure_total"]) == (370_000, 8_040_000)
    assert report["due_date"] == (utc_now().astimezone(JST).date() + timedelta(days=14)).isoformat()
    assert report["filed_late"] is False
    # The company's donation is recorded, and found.
    assert report["donations"][1]["donor_kind"] == "company"
    assert kinds(report) == ["body_donation_to_candidate"]
    assert report["findings"][0]["lines"] == ["/donations/1"]

    over = body(
        expenditures=[
            *body()["expenditures"],
            {"payee": "広告社", "purpose": "新聞広告", "amount": 3_900_000, "transaction_date": "2026-10-20"},
        ]
    )
    del over["election_id"], over["candidate_id"]
    over["reason"] = "広告費の記載漏れ"
    missing = await funds.post(
        f"/funds/v1/campaign-reports/{report_id}/amendments", json=over, headers=filer(tokens)
    )
    assert_problem(missing, 428, "if-match-required")
    stale = await funds.post(
        f"/funds/v1/campaign-reports/{report_id}/amendments",
        json=over,
        headers=filer(tokens, **{"If-Match": '"v2"'}),
    )
    assert_problem(stale, 412, "etag-mismatch")
    other = await funds.post(
        f"/funds/v1/campaign-reports/{report_id}/amendments",
        json=over,
        headers=filer(tokens, "someone-else", **{"If-Match": '"v1"'}),
    )
    assert_problem(other, 404, "not-found")
    amended = await funds.post(
        f"/funds/v1/campaign-reports/{report_id}/amendments",
        json=over,
        headers=filer(tokens, **{"If-Match": '"v1"'}),
    )
    assert amended.status_code == 201, amended.text
    assert amended.headers["ETag"] == '"v2"'
    version2 = amended.json()
    assert version2["counted_expenditure_total"] == 11_940_000
    assert kinds(version2) == ["spending_cap_exceeded", "body_donation_to_candidate"]
    assert version2["findings"][0]["limit"] == 11_856_100

    # Every version stays readable; the first is no longer current.
    versions = (await funds.get(f"/funds/v1/campaign-reports/{report_id}/versions")).json()
    assert [(v["version"], v["is_current"], v["amended_by_version"]) for v in versions] == [
        (1, False, 2),
        (2, True, None),
    ]
    first = (
        await funds.get(f"/funds/v1/campaign-reports/{report_id}/versions/1", headers=filer(tokens))
    ).json()
    assert kinds(first) == ["body_donation_to_candidate"]
    assert len(first["expenditures"]) == 2

    # The public: itemized lines only, addresses cut to the municipality, no findings.
    public = await funds.get(f"/funds/v1/campaign-reports/{report_id}")
    assert public.status_code == 200
    assert public.headers["ETag"] == '"v2"'
    shown = public.json()
    assert shown["findings"] is None
    assert [d["name"] for d in shown["donations"]] == ["山田 太郎", "延岡建設 株式会社"]
    assert {d["published_address"] for d in shown["donations"]} == {"宮崎県延岡市"}
    assert all(d["address"] is None and d["municipality_code"] is None for d in shown["donations"])
    assert [e["purpose"] for e in shown["expenditures"]] == ["ポスター印刷", "新聞広告"]
    full = (
        await funds.get(
            f"/funds/v1/campaign-reports/{report_id}",
            headers=tokens.headers("funds:review", audience="funds"),
        )
    ).json()
    assert len(full["donations"]) == 3
    assert full["donations"][0]["address"] == "宮崎県延岡市東本小路2-1"
    missing_version = await funds.get(f"/funds/v1/campaign-reports/{report_id}/versions/9")
    assert_problem(missing_version, 404, "not-found")


async def test_late_filing_is_found(
    funds: httpx.AsyncClient, tokens: TokenFactory, elections: Elections, funds_db: str
) -> None:
    elections.polling_day = polling_days_ago(15)
    on_the_last_day = await funds.post(
        "/funds/v1/campaign-reports", json=body(donations=[]), headers=filer(tokens)
    )
    assert on_the_last_day.json()["filed_late"] is False
    elections.polling_day = polling_days_ago(16)
    await empty_tables(str(funds_db), tables.metadata, keep=KEPT_TABLES)
    filed = await funds.post("/funds/v1/campaign-reports", json=body(donations=[]), headers=filer(tokens))
    assert filed.status_code == 201, filed.text
    assert filed.json()["filed_late"] is True
    assert kinds(filed.json()) == ["late_filing"]


async def test_a_retry_returns_the_first_answer_and_a_second_filing_conflicts(
    funds: httpx.AsyncClient, tokens: TokenFactory, elections: Elections
) -> None:
    headers = filer(tokens, **{"Idempotency-Key": "campaign-5"})
    first = await funds.post("/funds/v1/campaign-reports", json=body(), headers=headers)
    calls = len(elections.seen)
    again = await funds.post("/funds/v1/campaign-reports", json=body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(elections.seen) == calls
    changed = await funds.post("/funds/v1/campaign-reports", json=body(donations=[]), headers=headers)
    assert changed.status_code == 422 or changed.status_code == 409
    second = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert_problem(second, 409, "campaign-report-exists")


async def test_concurrent_filings_make_one_report(funds: httpx.AsyncClient, tokens: TokenFactory) -> None:
    answers = await asyncio.gather(
        *(funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens)) for _ in range(3))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409]


async def test_assembly_cap_divides_the_district_by_its_seats(
    funds: httpx.AsyncClient, tokens: TokenFactory, elections: Elections
) -> None:
    elections.kind, elections.seats = "municipal_assembly", 29
    filed = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert filed.json()["spending_cap"]["amount"] == 4_067_600


@pytest.mark.parametrize(
    ("change", "status", "slug"),
    [
        ({"candidate_id": 404}, 422, "unknown-candidacy"),
        ({"candidate_id": 6}, 422, "unknown-candidacy"),
    ],
)
async def test_unknown_candidacies_are_refused(
    funds: httpx.AsyncClient, tokens: TokenFactory, change: dict[str, Any], status: int, slug: str
) -> None:
    response = await funds.post("/funds/v1/campaign-reports", json=body(**change), headers=filer(tokens))
    assert_problem(response, status, slug)
    assert (await funds.get("/funds/v1/campaign-reports/1")).status_code == 404


async def test_contests_without_a_cap(
    funds: httpx.AsyncClient, tokens: TokenFactory, elections: Elections
) -> None:
    elections.kind = "house_of_representatives_proportional"
    response = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert_problem(response, 422, "campaign-report-not-required")
    elections.kind, elections.codes = "mayor", ["450006"]
    response = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert_problem(response, 422, "campaign-cap-unknown")


async def test_elections_unreachable_is_502(
    funds: httpx.AsyncClient, tokens: TokenFactory, elections: Elections
) -> None:
    elections.down = True
    response = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    assert_problem(response, 502, "bad-gateway")


@pytest.mark.parametrize(
    "change",
    [
        {"donations": [{"donor_kind": "robot", "amount": 1, "transaction_date": "2026-10-10", "name": "x"}]},
        {
            "donations": [
                {"donor_kind": "anonymous", "amount": 1, "transaction_date": "2026-10-10", "name": "x"}
            ]
        },
        {
            "donations": [
                {"donor_kind": "individual", "amount": 0, "transaction_date": "2026-10-10", "name": "x"}
            ]
        },
        {"expenditures": [{"payee": "x", "purpose": "y", "amount": -5, "transaction_date": "2026-10-10"}]},
        {
            "expenditures": [
                {
                    "payee": "x",
                    "purpose": "y",
                    "amount": 5,
                    "transaction_date": "2026-10-10",
                    "address": "どこか",
                }
            ]
        },
        {"treasurer_name": ""},
        {"candidate_id": 0},
        {"surprise": 1},
    ],
)
async def test_bad_input_changes_nothing(
    funds: httpx.AsyncClient, tokens: TokenFactory, change: dict[str, Any]
) -> None:
    response = await funds.post("/funds/v1/campaign-reports", json=body(**change), headers=filer(tokens))
    assert response.status_code == 422, response.text
    assert (await funds.get("/funds/v1/campaign-reports/1", headers=filer(tokens))).status_code == 404


async def test_tokens_and_scopes(funds: httpx.AsyncClient, tokens: TokenFactory) -> None:
    assert (await funds.post("/funds/v1/campaign-reports", json=body())).status_code == 401
    review = tokens.headers("funds:review", audience="funds")
    assert (await funds.post("/funds/v1/campaign-reports", json=body(), headers=review)).status_code == 403


async def test_concurrent_amendments_of_one_version_make_one_new_version(
    funds: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    filed = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    report_id = filed.json()["report_id"]
    amendment = {**body(donations=[]), "reason": "寄附の記載誤り"}
    del amendment["election_id"], amendment["candidate_id"]
    answers = await asyncio.gather(
        *(
            funds.post(
                f"/funds/v1/campaign-reports/{report_id}/amendments",
                json=amendment,
                headers=filer(tokens, **{"If-Match": '"v1"'}),
            )
            for _ in range(3)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 412, 412]
    versions = (await funds.get(f"/funds/v1/campaign-reports/{report_id}/versions")).json()
    assert [(v["version"], v["is_current"]) for v in versions] == [(1, False), (2, True)]
    current = (await funds.get(f"/funds/v1/campaign-reports/{report_id}", headers=filer(tokens))).json()
    assert current["findings"] == []


async def test_the_filed_reports_are_listed_page_by_page(
    funds: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    for candidate_id in (5, 7):
        filed = await funds.post(
            "/funds/v1/campaign-reports",
            json=body(candidate_id=candidate_id),
            headers=filer(tokens, f"treasurer-{candidate_id}"),
        )
        assert filed.status_code == 201, filed.text
    first = await funds.get("/funds/v1/campaign-reports", params={"page_size": 1, "election_id": 1})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [item["candidate_id"] for item in page["items"]] == [5]
    assert page["items"][0]["spending_cap"]["amount"] == 11_856_100
    second = await funds.get(
        "/funds/v1/campaign-reports",
        params={"page_size": 1, "election_id": 1, "page_token": page["next_page_token"]},
    )
    assert [item["candidate_id"] for item in second.json()["items"]] == [7]
    assert second.json()["next_page_token"] is None
    other = await funds.get("/funds/v1/campaign-reports", params={"election_id": 2})
    assert other.json()["items"] == []
    # A token of one query fits no other.
    mismatched = await funds.get(
        "/funds/v1/campaign-reports", params={"page_size": 1, "page_token": page["next_page_token"]}
    )
    assert mismatched.status_code == 400
    assert (await funds.get("/funds/v1/campaign-reports", params={"election_id": "x"})).status_code == 422


async def test_a_report_leaves_the_public_after_its_three_years(
    funds: httpx.AsyncClient, tokens: TokenFactory, funds_db: str
) -> None:
    filed = await funds.post("/funds/v1/campaign-reports", json=body(), headers=filer(tokens))
    report_id = filed.json()["report_id"]
    public_until = date.fromisoformat(filed.json()["filed_at"][:10])
    assert (await funds.get(f"/funds/v1/campaign-reports/{report_id}")).status_code == 200
    engine = create_async_engine(funds_db)
    async with engine.begin() as connection:
        await connection.execute(
            update(tables.campaign_reports).values(public_until=public_until - timedelta(days=1))
        )
    await engine.dispose()
    assert (await funds.get(f"/funds/v1/campaign-reports/{report_id}")).status_code == 404
    assert (await funds.get(f"/funds/v1/campaign-reports/{report_id}/versions")).status_code == 404
    assert (await funds.get("/funds/v1/campaign-reports")).json()["items"] == []
    review = tokens.headers("funds:review", audience="funds")
    assert (await funds.get(f"/funds/v1/campaign-reports/{report_id}", headers=review)).status_code == 200
    listed = (await funds.get("/funds/v1/campaign-reports", headers=review)).json()["items"]
    assert [item["report_id"] for item in listed] == [report_id]
