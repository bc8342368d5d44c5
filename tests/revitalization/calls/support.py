"""A settable clock for the calls domain, and request bodies for calls and their applications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.revitalization.factories import REVIEW, headers
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1"
IWATE = "030007"  # the prefecture of Iwate
MORIOKA = "032018"
HANAMAKI = "032051"
OPENS = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)  # 09:00 JST
CLOSES = datetime(2026, 5, 29, 8, 0, tzinfo=UTC)  # 17:00 JST


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The instant every calls and reviews request is judged at; starts a day before OPENS."""
    current = Clock(OPENS - timedelta(days=1))
    monkeypatch.setattr("services.revitalization.calls.service.utc_now", current)
    return current


RUBRIC = {
    "criteria": [
        {"key": "feasibility", "name": "実現可能性", "weight": 3, "max_score": 5},
        {"key": "impact", "name": "地域への効果", "weight": 2, "max_score": 5},
    ]
}


def call_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme_code": "local10000",
        "fiscal_year": 2024,
        "issuer_code": IWATE,
        "title": "令和6年度 地域経済循環創造事業 公募",
        "eligibility_summary": "県内で地域資源を活かして起業する団体。地域金融機関の融資が必要です。",
        "budget_ceiling": 30_000_000,
        "opens_at": "2026-04-01T09:00:00+09:00",
        "closes_at": "2026-05-29T17:00:00+09:00",
        "rubric": RUBRIC,
    }
    body.update(overrides)
    return body


def application_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "applicant_name": "株式会社もりおか発酵",
        "organization_id": "8400001000001",
        "municipality_code": MORIOKA,
        "title": "地元大豆の発酵食品工房",
        "summary": "地元産大豆で味噌と醤油を造り、直売所と通販で販売します。",
        "requested_amount": 10_000_000,
    }
    body.update(overrides)
    return body


async def publish(
    client: httpx.AsyncClient, tokens: TokenFactory, owner: str = "iwate-pref", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{BASE}/calls", json=call_body(**overrides), headers=headers(tokens, REVIEW, client_id=owner)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
