"""Building elections through the API, so tests read like the commission's work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from tests.support.tokens import TokenFactory

API = "/elections/v1"
ROLL_PURPOSE = "投票所入場券の発送"
CHIYODA = "131016"
SAPPORO = "011002"


def problem_of(response: httpx.Response, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    if slug is not None:
        assert body["type"] == f"urn:jichi:problem:{slug}", body
    return body


@dataclass
class Actors:
    tokens: TokenFactory

    def as_(self, *scopes: str, client_id: str = "commission") -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.tokens.token(*scopes, audience='elections', client_id=client_id)}"
        }

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("elections:admin", "elections:read")

    @property
    def reader(self) -> dict[str, str]:
        """Reads the roll too, so it states a purpose."""
        return {**self.as_("elections:read"), "X-Purpose": quote(ROLL_PURPOSE)}

    def clerk(self, name: str = "clerk-1") -> dict[str, str]:
        return self.as_("elections:clerk", "elections:read", client_id=name)

    @property
    def supervisor(self) -> dict[str, str]:
        return self.as_("elections:supervisor", "elections:read", client_id="supervisor")


@dataclass
class Setup:
    election_id: int
    contest_id: int
    district_id: int
    station_ids: list[int]
    candidate_ids: list[int] = field(default_factory=list)
    party_ids: list[int] = field(default_factory=list)


async def post(client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(API + path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


ELECTION = {
    "name": "千代田区長選挙",
    "announcement_date": "2026-06-28",
    "polling_day": "2026-07-05",
    "reference_date": "2026-06-27",
}


async def make_election(
    client: httpx.AsyncClient,
    actors: Actors,
    *,
    kind: str = "mayor",
    seats: int = 1,
    stations: int = 2,
    candidates: int = 0,
    parties: int = 0,
    dates: dict[str, str] | None = None,
) -> Setup:
    election = await post(client, "/elections", {**ELECTION, **(dates or {})}, actors.admin)
    eid = election["id"]
    contest = await post(
        client,
        f"/elections/{eid}/contests",
        {"name": "本選挙", "kind": kind, "seats": seats, "local_government_codes": [CHIYODA]},
        actors.admin,
    )
    district = await post(
        client,
        f"/elections/{eid}/counting-districts",
        {"name": "千代田開票区", "local_government_code": CHIYODA},
        actors.admin,
    )
    station_ids = []
    for n in range(stations):
        station = await post(
            client,
            f"/elections/{eid}/polling-stations",
            {
                "name": f"第{n + 1}投票所",
                "counting_district_id": district["id"],
                "address_areas": [f"丸の内{n + 1}丁目"],
            },
            actors.admin,
        )
        station_ids.append(station["id"])
    setup = Setup(eid, contest["id"], district["id"], station_ids)
    for n in range(parties):
        party = await post(client, f"/elections/{eid}/parties", {"name": f"党{n + 1}"}, actors.admin)
        setup.party_ids.append(party["id"])
    for n in range(candidates):
        body: dict[str, Any] = {
            "name": f"候補 {n + 1}",
            "kana": "コウホ " + "ア" * (n + 1),
            "birth_date": "1970-01-01",
            "deposit_yen": 1_000_000,
        }
        candidate = await post(client, f"/contests/{setup.contest_id}/candidates", body, actors.admin)
        setup.candidate_ids.append(candidate["id"])
    return setup


def dates_around(polling_in_days: int = 0) -> dict[str, str]:
    """Election dates with polling day `polling_in_days` from today (JST), announced a week before."""
    from datetime import datetime, timedelta

    from shared.values import JST

    polling = datetime.now(JST).date() + timedelta(days=polling_in_days)
    return {
        "announcement_date": (polling - timedelta(days=7)).isoformat(),
        "polling_day": polling.isoformat(),
        "reference_date": (polling - timedelta(days=8)).isoformat(),
    }


async def build_roll(
    client: httpx.AsyncClient, actors: Actors, election_id: int, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Request a build of the roll and poll it until it ends; returns the ended build."""
    response = await client.post(
        f"{API}/elections/{election_id}/roll/builds", json=body, headers=actors.admin
    )
    assert response.status_code == 202, response.text
    return await ended(client, actors, response.headers["location"])


async def ended(client: httpx.AsyncClient, actors: Actors, location: str) -> dict[str, Any]:
    """Poll a build of the roll until it succeeded or failed."""
    for _ in range(1000):
        polled = await client.get(location, headers=actors.reader)
        assert polled.status_code == 200, polled.text
        build: dict[str, Any] = polled.json()
        if build["state"] in ("succeeded", "failed"):
            return build
        await asyncio.sleep(0.01)
    raise AssertionError(f"the build did not end: {build}")
