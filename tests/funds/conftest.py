from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.funds import tables
from services.funds.app import create_app
from services.funds.settings import FundsSettings
from tests.conftest import running
from tests.support.databases import empty_tables, prepare_database
from tests.support.tokens import TokenFactory, no_revocations

# The feed's head stays between tests: numbering goes on from the last test's, as in production.
KEPT_TABLES = frozenset({"filing_feed_head"})


@pytest.fixture(scope="session")
async def funds_db(sqlite_dir: Path) -> str:
    return await prepare_database("funds", sqlite_dir)


@pytest.fixture
async def funds(funds_db: str, tokens: TokenFactory) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        FundsSettings(database_url=funds_db), jwks_source=tokens.source(), revocation_source=no_revocations()
    )
    async with running(app) as client:
        yield client
    await empty_tables(funds_db, tables.metadata, keep=KEPT_TABLES)


class Funds:
    """Calls to the funds API as the administrator, a filer or the regulator."""

    def __init__(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        self.client = client
        self.tokens = tokens

    def admin(self) -> dict[str, str]:
        return self.tokens.headers("funds:admin", audience="funds")

    def review(self) -> dict[str, str]:
        return self.tokens.headers("funds:review", audience="funds")

    def filer(self, client_id: str, **extra: str) -> dict[str, str]:
        token = self.tokens.token("funds:file", audience="funds", client_id=client_id)
        return {"Authorization": f"Bearer {token}", **extra}

    async def organization(
        self, client_id: str, kind: str = "political_party", **fields: Any
    ) -> dict[str, Any]:
        body = {
            "name": fields.pop("name", f"{client_id}の会"),
            "kind": kind,
            "filer_client_id": client_id,
            "representative_name": "代表 太郎",
            "treasurer_name": "会計 花子",
            "office_municipality_code": "131016",
            "office_address": "東京都千代田区永田町1-7-1",
            "registered_date": "2000-01-01",
            **fields,
        }
        response = await self.client.post("/funds/v1/organizations", json=body, headers=self.admin())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def file(
        self, organization: dict[str, Any], report: dict[str, Any], **headers: str
    ) -> httpx.Response:
        return await self.client.post(
            f"/funds/v1/organizations/{organization['id']}/reports",
            json=report,
            headers=self.filer(organization["filer_client_id"], **headers),
        )

    async def amend(
        self, organization: dict[str, Any], year: int, amendment: dict[str, Any], etag: str | None
    ) -> httpx.Response:
        extra = {"If-Match": etag} if etag else {}
        return await self.client.post(
            f"/funds/v1/organizations/{organization['id']}/reports/{year}/amendments",
            json=amendment,
            headers=self.filer(organization["filer_client_id"], **extra),
        )

    async def findings(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(
            "/funds/v1/findings", params={"page_size": 500, **params}, headers=self.review()
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@pytest.fixture
def api(funds: httpx.AsyncClient, tokens: TokenFactory) -> Funds:
    return Funds(funds, tokens)


def donation(
    amount: int,
    *,
    name: str = "山田 太郎",
    address: str = "東京都千代田区霞が関2-1-2",
    code: str = "131016",
    category: str = "donation_individual",
    kind: str = "individual",
    day: str = "2025-05-01",
    **extra: Any,
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "category": category,
        "amount": amount,
        "transaction_date": day,
        "name": name,
        "donor_kind": kind,
        "address": address,
        "municipality_code": code,
        "occupation": "会社員",
        **extra,
    }
    return line


def report(lines: list[dict[str, Any]], *, year: int = 2025, carried_forward: int = 0) -> dict[str, Any]:
    """A consistent report of these lines (totals computed as a filer would)."""
    totals: dict[str, int] = {}
    income = expenditure = 0
    for line in lines:
        totals[line["category"]] = totals.get(line["category"], 0) + line["amount"]
        if line["category"] in EXPENDITURE:
            expenditure += line["amount"]
        else:
            income += line["amount"]
    return {
        "year": year,
        "carried_forward": carried_forward,
        "income_total": income,
        "expenditure_total": expenditure,
        "balance": carried_forward + income - expenditure,
        "category_totals": totals,
        "lines": lines,
    }


def amendment(lines: list[dict[str, Any]], reason: str = "訂正", **kwargs: Any) -> dict[str, Any]:
    body = report(lines, **kwargs)
    del body["year"]
    return {**body, "reason": reason}


EXPENDITURE = {
    "personnel",
    "utilities",
    "supplies",
    "office",
    "organizational",
    "election",
    "publications",
    "research",
    "donations_and_grants",
    "other_political_activity",
}
