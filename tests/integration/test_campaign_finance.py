"""A candidate's campaign finance report through the gateway, against a running elections service.

The gateway, the registry, the elections service and the funds service run on real loopback
ports, each service with its own client credentials at the gateway, as in `make run`. The
commission sets up an election in elections and builds its roll from the registry; the
treasurer files the report with funds through the gateway; funds reads the candidacy and the
district's registered voters from elections through the gateway with its own client, and
computes the cap by hand-checkable arithmetic; the company's donation is recorded and found;
the amendment is a new version; the public reads the published report through the gateway.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from pydantic import SecretStr

from services.elections.settings import ElectionsSettings
from services.gateway import clients
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import GatewaySettings
from shared.db.engine import Database, create_engine
from shared.values import JST
from tests.integration.conftest import _service_app
from tests.support.databases import prepare_database
from tests.support.servers import free_port, serving

CHIYODA = "131016"
PURPOSE = "選挙人名簿の調製 (統合テスト)"


@dataclass
class CampaignPlatform:
    gateway_url: str
    commission: tuple[str, str]
    treasurer: tuple[str, str]


async def _client(session: Any, name: str, scopes: set[str]) -> tuple[str, str]:
    issued = await clients.create_client(session, name=name, scopes=scopes)
    return issued.client_id, issued.client_secret


@pytest.fixture(scope="module")
async def campaign_platform(sqlite_dir: Path) -> AsyncIterator[CampaignPlatform]:
    folder = sqlite_dir / "integration-campaign"
    folder.mkdir(exist_ok=True)
    urls = {
        name: await prepare_database(name, folder, name=f"campaign_{name}")
        for name in ("gateway", "registry", "elections", "funds")
    }
    database = Database(create_engine(urls["gateway"]))
    elections_scopes = set(ElectionsSettings(database_url=urls["elections"]).registry_scopes.split())
    async with database.sessionmaker() as session:
        commission = await _client(
            session,
            "commission",
            {"registry:read", "registry:write", "registry:address", "elections:admin", "elections:read"},
        )
        treasurer = await _client(session, "treasurer", {"funds:file"})
        elections_client = await _client(session, "elections", elections_scopes)
        funds_client = await _client(session, "funds", {"elections:read"})
        await session.commit()
    await database.dispose()
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"

    def credentials(pair: tuple[str, str]) -> dict[str, Any]:
        return {"gateway_url": gateway_url, "client_id": pair[0], "client_secret": SecretStr(pair[1])}

    extra = {"registry": {}, "elections": credentials(elections_client), "funds": credentials(funds_client)}
    async with AsyncExitStack() as stack:
        service_urls = {
            name: await stack.enter_async_context(
                serving(_service_app(name, urls[name], gateway_url, **settings))
            )
            for name, settings in extra.items()
        }
        settings = GatewaySettings.model_validate(
            {"database_url": urls["gateway"], **{f"{name}_url": url for name, url in service_urls.items()}}
        )
        await stack.enter_async_context(serving(create_gateway(settings), port=gateway_port))
        yield CampaignPlatform(gateway_url, commission, treasurer)


@asynccontextmanager
async def _signed_in(base_url: str, credentials: tuple[str, str] | None) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        if credentials is not None:
            token = await client.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials
            )
            assert token.status_code == 200, token.text
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield client


@pytest.fixture
async def commission(campaign_platform: CampaignPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with _signed_in(campaign_platform.gateway_url, campaign_platform.commission) as client:
        client.headers["X-Purpose"] = quote(PURPOSE)
        yield client


@pytest.fixture
async def treasurer(campaign_platform: CampaignPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with _signed_in(campaign_platform.gateway_url, campaign_platform.treasurer) as client:
        yield client


@pytest.fixture
async def public(campaign_platform: CampaignPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with _signed_in(campaign_platform.gateway_url, None) as client:
        yield client


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


async def _voter(client: httpx.AsyncClient, given: str) -> None:
    _ok(
        await client.post(
            "/registry/v1/residents",
            json={
                "event_type": "birth",
                "effective_date": "1980-05-05",
                "date_of_birth": "1980-05-05",
                "family_name": "選挙",
                "given_name": given,
                "family_name_kana": "センキョ",
                "given_name_kana": "タロウ",
                "sex": "female",
                "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
            },
        )
    )


async def _election_with_roll(client: httpx.AsyncClient) -> tuple[int, int]:
    """A ward mayor's election with its roll built; its id and its candidate's."""
    today = datetime.now(JST).date()
    election = _ok(
        await client.post(
            "/elections/v1/elections",
            json={
                "name": "千代田区長選挙",
                "announcement_date": (today - timedelta(days=3)).isoformat(),
                "polling_day": (today + timedelta(days=4)).isoformat(),
            },
        )
    )
    election_id = election["id"]
    contest = _ok(
        await client.post(
            f"/elections/v1/elections/{election_id}/contests",
            json={"name": "区長", "kind": "mayor", "seats": 1, "local_government_codes": [CHIYODA]},
        )
    )
    district = _ok(
        await client.post(
            f"/elections/v1/elections/{election_id}/counting-districts",
            json={"name": "千代田区開票区", "local_government_code": CHIYODA},
        )
    )
    _ok(
        await client.post(
            f"/elections/v1/elections/{election_id}/polling-stations",
            json={"name": "第一投票所", "counting_district_id": district["id"], "address_areas": ["千代田"]},
        )
    )
    candidate = _ok(
        await client.post(
            f"/elections/v1/contests/{contest['id']}/candidates",
            json={
                "name": "千代田 花子",
                "kana": "チヨダ ハナコ",
                "birth_date": "1970-01-01",
                "deposit_yen": 1_000_000,
            },
        )
    )
    started = await client.post(f"/elections/v1/elections/{election_id}/roll/builds", json={})
    assert started.status_code == 202, started.text
    build = started.json()
    while build["state"] not in ("succeeded", "failed"):
        await asyncio.sleep(0.1)
        build = _ok(await client.get(started.headers["location"]))
    assert build["state"] == "succeeded", build
    return election_id, candidate["id"]


REPORT = {
    "treasurer_name": "出納 一郎",
    "donations": [
        {
            "name": "千代田商事 株式会社",
            "donor_kind": "company",
            "amount": 100_000,
            "transaction_date": "2026-10-01",
            "address": "東京都千代田区丸の内1-1-1",
            "municipality_code": CHIYODA,
        },
        {"name": "山田 太郎", "donor_kind": "individual", "amount": 20_000, "transaction_date": "2026-10-02"},
    ],
    "expenditures": [
        {
            "payee": "印刷 株式会社",
            "purpose": "ポスター印刷",
            "amount": 3_000_000,
            "transaction_date": "2026-10-03",
        }
    ],
}


async def test_a_campaign_report_filed_amended_and_published_through_the_gateway(
    commission: httpx.AsyncClient, treasurer: httpx.AsyncClient, public: httpx.AsyncClient
) -> None:
    for given in ("一子", "二子", "三子"):
        await _voter(commission, given)
    election_id, candidate_id = await _election_with_roll(commission)

    filed = await treasurer.post(
        "/funds/v1/campaign-reports",
        json={"election_id": election_id, "candidate_id": candidate_id, **REPORT},
        headers={"Idempotency-Key": "campaign-1"},
    )
    report = _ok(filed)
    # Three registered voters in the ward: 3 × 81 + 3,100,000 = 3,100,243 → ¥3,100,300.
    cap = report["spending_cap"]
    assert (cap["office"], cap["registered_voters"], cap["seats"]) == ("special_ward_mayor", 3, 1)
    assert cap["amount"] == 3_100_300
    assert cap["verified"] is False  # the special wards' figures are our reading of the order
    assert report["candidate_name"] == "千代田 花子"
    assert [f["kind"] for f in report["findings"]] == ["body_donation_to_candidate"]
    retried = await treasurer.post(
        "/funds/v1/campaign-reports",
        json={"election_id": election_id, "candidate_id": candidate_id, **REPORT},
        headers={"Idempotency-Key": "campaign-1"},
    )
    assert retried.json() == report

    amendment = {
        **REPORT,
        "reason": "支出の記載漏れ",
        "expenditures": [
            *REPORT["expenditures"],
            {"payee": "広告社", "purpose": "新聞広告", "amount": 100_301, "transaction_date": "2026-10-04"},
        ],
    }
    amended = _ok(
        await treasurer.post(
            f"/funds/v1/campaign-reports/{report['report_id']}/amendments",
            json=amendment,
            headers={"If-Match": filed.headers["ETag"]},
        )
    )
    assert amended["version"] == 2
    assert [f["kind"] for f in amended["findings"]] == ["spending_cap_exceeded", "body_donation_to_candidate"]
    assert amended["findings"][0]["amount"] == 3_100_301

    published = await public.get(f"/funds/v1/campaign-reports/{report['report_id']}")
    shown = _ok(published)
    assert published.headers["ETag"] == '"v2"'
    assert shown["findings"] is None
    # The company's ¥100,000 is over the disclosure threshold; the ¥20,000 donor is not itemized.
    assert [(d["name"], d["published_address"], d["address"]) for d in shown["donations"]] == [
        ("千代田商事 株式会社", "東京都千代田区", None)
    ]
    first = _ok(await public.get(f"/funds/v1/campaign-reports/{report['report_id']}/versions/1"))
    assert len(first["expenditures"]) == 1
