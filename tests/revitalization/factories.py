"""Test data for the revitalization service: requests, headers, and a registry stand-in."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import httpx

from services.revitalization.cooperation.source import CodeSourceUnavailable, CodeStatus
from services.revitalization.eligibility.source import (
    ResidenceHistory,
    ResidencePeriod,
    ResidenceSourceUnavailable,
)
from shared.values import issue_resident_code
from shared.web.purpose import decode_purpose
from tests.support.tokens import TokenFactory

RNG = random.Random(6)
RURAL = "032018"  # Morioka, Iwate: outside the metropolitan areas
CHIYODA = "131016"
APPLY = "revitalization:apply"
REVIEW = "revitalization:review"
ADMIN = "revitalization:admin"


class FakeRegistry:
    """A ResidenceHistorySource answering from a dict, remembering every question and its purpose as
    the registry would record it (a header value the registry refuses fails the test here)."""

    def __init__(self) -> None:
        self.histories: dict[str, ResidenceHistory] = {}
        self.calls: list[tuple[str, str]] = []
        self.down = False

    def add(self, *periods: ResidencePeriod, alive: bool = True) -> str:
        code = issue_resident_code(RNG)
        self.histories[code] = ResidenceHistory(code, periods, alive)
        return code

    def cooperator(self, moved_in: date = date(2024, 6, 1), origin: str = CHIYODA) -> str:
        return self.add(
            ResidencePeriod(origin, date(2015, 4, 1), date(moved_in.year, moved_in.month, 1)),
            ResidencePeriod(RURAL, moved_in),
        )

    async def residence_history(self, resident_code: str, *, purpose: str) -> ResidenceHistory | None:
        self.calls.append((resident_code, decode_purpose(purpose)))
        if self.down:
            raise ResidenceSourceUnavailable("The registry could not be reached: ConnectError.")
        return self.histories.get(resident_code)


def headers(
    tokens: TokenFactory, *scopes: str, client_id: str = "muni-portal", **extra: str
) -> dict[str, str]:
    token = tokens.token(*scopes, audience="revitalization", client_id=client_id)
    return {"Authorization": f"Bearer {token}", **extra}


def cooperator_application(resident_code: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme_code": "cooperators",
        "fiscal_year": 2024,
        "municipality_code": RURAL,
        "applicant": {"kind": "person", "name": "山田太郎", "resident_code": resident_code},
        "title": "山田太郎の協力隊応募",
        "description": "農業支援と観光振興に従事します。",
        "requested_amount": 5_000_000,
        "details": {"appointment_start_date": "2024-07-01", "term_end_date": "2025-06-30"},
    }
    body.update(overrides)
    return body


def local10000_application(grant: int, loan: int, municipality: str = RURAL) -> dict[str, Any]:
    return {
        "programme_code": "local10000",
        "fiscal_year": 2024,
        "municipality_code": municipality,
        "applicant": {"kind": "organisation", "name": "株式会社もりおか発酵"},
        "title": "地元の米を使った発酵食品の工房",
        "description": "空き店舗を改装して工房と直売所を開く。",
        "requested_amount": grant,
        "details": {"loan_amount": loan, "lending_bank": "岩手銀行"},
    }


async def create(
    client: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], **kw: str
) -> dict[str, Any]:
    response = await client.post(
        "/revitalization/v1/applications", json=body, headers=headers(tokens, APPLY, **kw)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def submit(
    client: httpx.AsyncClient, tokens: TokenFactory, application_id: int, **kw: str
) -> httpx.Response:
    return await client.post(
        f"/revitalization/v1/applications/{application_id}/submissions",
        json={},
        headers=headers(tokens, APPLY, **kw),
    )


async def decide(
    client: httpx.AsyncClient, tokens: TokenFactory, application_id: int, action: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/revitalization/v1/applications/{application_id}/decisions",
        json={"action": action, **body},
        headers=headers(tokens, REVIEW, client_id="bureau"),
    )


async def check(client: httpx.AsyncClient, tokens: TokenFactory, application_id: int) -> httpx.Response:
    return await client.post(
        f"/revitalization/v1/applications/{application_id}/eligibility-checks",
        headers=headers(tokens, REVIEW, client_id="bureau"),
    )


async def set_budget(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    amount: int,
    programme: str = "cooperators",
    municipality: str = RURAL,
    fiscal_year: int = 2024,
) -> httpx.Response:
    return await client.put(
        f"/revitalization/v1/budgets/{programme}/{fiscal_year}/{municipality}",
        json={"amount": amount},
        headers=headers(tokens, REVIEW, client_id="bureau"),
    )


async def under_review(
    client: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any], *, checked: bool = True
) -> dict[str, Any]:
    """An application submitted, under review and (by default) found eligible."""
    created = await create(client, tokens, body)
    assert (await submit(client, tokens, created["id"])).status_code == 200
    assert (await decide(client, tokens, created["id"], "start_review")).status_code == 200
    if checked:
        report = await check(client, tokens, created["id"])
        assert report.status_code == 200, report.text
        assert report.json()["eligible"], report.text
    return created


class FakeCodeMaster:
    """A CodeMasterSource answering from dicts: codes retired on a day and what they became."""

    def __init__(self) -> None:
        self.retired: dict[str, date] = {}
        self.successor_codes: dict[str, list[str]] = {}
        self.down = False

    def merge(self, codes: list[str], into: str, on: date) -> None:
        """`codes` cease on `on` (exclusive), `into` takes over (new, or one of them kept: absorption)."""
        for code in codes:
            if code != into:
                self.retired[code] = on
                self.successor_codes[code] = [into]

    async def status(self, code: str) -> CodeStatus | None:
        if self.down:
            raise CodeSourceUnavailable("The registry could not be reached: ConnectError.")
        return CodeStatus(code=code, to_date=self.retired.get(code))

    async def successors(self, code: str, *, on: date) -> list[str]:
        if code in self.retired and self.retired[code] <= on:
            return self.successor_codes[code]
        return [code]
