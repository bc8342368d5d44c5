"""The voter roll built against a real running registry (issue 4, "Tests").

The gateway, the registry and the elections service run on real loopback ports; the elections
service holds its own client credentials at the gateway, as in `make run`. Residents are created in
the registry through the gateway; the roll is built over HTTP (an asynchronous job); every decision
is explained; the registry's access log shows the elections client and its purpose, and the
commission's own reads of the roll (served by elections, logged in the registry); a death and a
move are followed through the change feed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.values import JST
from tests.integration.elections_platform import COMMISSION, elections_platform, signed_in

CHIYODA, SAPPORO_CHUO = "131016", "011011"
PURPOSE = "住民異動の記録 (統合テスト)"


@dataclass
class RollPlatform:
    gateway_url: str
    admin: tuple[str, str]
    elections_client_id: str
    elections_purpose: str  # as the registry records it


@pytest.fixture(scope="module")
async def roll_platform(sqlite_dir: Path) -> AsyncIterator[RollPlatform]:
    roles = {"commission": set(COMMISSION)}
    async with elections_platform(sqlite_dir / "integration-roll", roles) as running:
        yield RollPlatform(
            running.gateway_url,
            running.credentials["commission"],
            running.elections_client_id,
            running.elections_purpose,
        )


@pytest.fixture
async def gateway(roll_platform: RollPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=roll_platform.gateway_url, timeout=30.0) as client:
        client.headers.update(await signed_in(client, roll_platform.admin, PURPOSE))
        yield client


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    body: dict[str, Any] = response.json()
    return body


async def _register(client: httpx.AsyncClient, given: str, **items: Any) -> str:
    body = {
        "event_type": "birth",
        "effective_date": "1980-05-05",
        "date_of_birth": "1980-05-05",
        "family_name": "選挙",
        "given_name": given,
        "family_name_kana": "センキョ",
        "given_name_kana": "タロウ",
        "sex": "male",
        "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
        **items,
    }
    if body["event_type"] == "birth":
        body["effective_date"] = body["date_of_birth"]
    registered = await _created(await client.post("/registry/v1/residents", json=body))
    code: str = registered["resident_code"]
    return code


async def _event(client: httpx.AsyncClient, code: str, event: dict[str, Any]) -> None:
    etag = (await client.get(f"/registry/v1/residents/{code}")).headers["ETag"]
    await _created(
        await client.post(f"/registry/v1/residents/{code}/events", json=event, headers={"If-Match": etag})
    )


async def _built(client: httpx.AsyncClient, election_id: int) -> dict[str, Any]:
    """Build the election's roll over HTTP and poll the job until it succeeded."""
    started = await client.post(f"/elections/v1/elections/{election_id}/roll/builds", json={})
    assert started.status_code == 202, started.text
    build: dict[str, Any] = started.json()
    while build["state"] not in ("succeeded", "failed"):
        await asyncio.sleep(0.1)
        build = await _created(await client.get(started.headers["location"]))
    assert build["state"] == "succeeded", build
    return build


async def _decision(client: httpx.AsyncClient, election_id: int, code: str) -> tuple[bool, dict[str, bool]]:
    got = await _created(await client.get(f"/elections/v1/elections/{election_id}/roll/residents/{code}"))
    return got["on_roll"], {reason["code"]: reason["satisfied"] for reason in got["reasons"]}


async def test_the_roll_from_a_running_registry(
    gateway: httpx.AsyncClient, roll_platform: RollPlatform
) -> None:
    today = datetime.now(JST).date()
    announcement, polling = today + timedelta(days=5), today + timedelta(days=15)
    voter = await _register(gateway, "一郎")
    foreigner = await _register(
        gateway, "二郎", nationality="US", foreign_resident={"status_of_residence": "永住者"}
    )
    # The 18th birthday two days after polling day: 18 only the day after it.
    eighteenth = polling + timedelta(days=2)
    minor = await _register(
        gateway, "三郎", date_of_birth=eighteenth.replace(year=eighteenth.year - 18).isoformat()
    )
    newcomer = await _register(
        gateway,
        "四郎",
        event_type="move_in",
        from_abroad=True,
        effective_date=(today - timedelta(days=30)).isoformat(),
    )
    leaver = await _register(
        gateway, "五郎", address={"local_government_code": CHIYODA, "address_lines": ["千代田2-2"]}
    )

    election = await _created(
        await gateway.post(
            "/elections/v1/elections",
            json={
                "name": "千代田区長選挙",
                "announcement_date": announcement.isoformat(),
                "polling_day": polling.isoformat(),
            },
        )
    )
    election_id = election["id"]
    await _created(
        await gateway.post(
            f"/elections/v1/elections/{election_id}/contests",
            json={"name": "区長", "kind": "mayor", "seats": 1, "local_government_codes": [CHIYODA]},
        )
    )
    district = await _created(
        await gateway.post(
            f"/elections/v1/elections/{election_id}/counting-districts",
            json={"name": "千代田区開票区", "local_government_code": CHIYODA},
        )
    )
    stations = [
        await _created(
            await gateway.post(
                f"/elections/v1/elections/{election_id}/polling-stations",
                json={"name": name, "counting_district_id": district["id"], "address_areas": [area]},
            )
        )
        for name, area in (("第一投票所", "千代田1"), ("第二投票所", "千代田2"))
    ]

    build = await _built(gateway, election_id)
    assert build["residents_examined"] == 5
    assert build["voters"] == 2

    on, reasons = await _decision(gateway, election_id, voter)
    assert on
    assert reasons == {
        "japanese_national": True,
        "age_18_on_polling_day": True,
        "resident_3_months": True,
    }
    for code, failed in (
        (foreigner, "not_japanese_national"),
        (minor, "under_18_on_polling_day"),
        (newcomer, "resident_less_than_3_months"),
    ):
        on, reasons = await _decision(gateway, election_id, code)
        assert not on
        assert reasons[failed] is False, (code, reasons)
    voters = await _created(await gateway.get(f"/elections/v1/elections/{election_id}/roll/voters"))
    assert {(v["resident_code"], v["station_id"]) for v in voters["items"]} == {
        (voter, stations[0]["id"]),
        (leaver, stations[1]["id"]),
    }

    # The registry's access log names the elections service's client and its purpose.
    records = await _created(await gateway.get(f"/registry/v1/residents/{voter}/access-records"))
    reads = [r for r in records["items"] if r["client_id"] == roll_platform.elections_client_id]
    assert reads, records
    assert {r["purpose"] for r in reads} == {roll_platform.elections_purpose}
    # ... and the commission's reads of the roll, served by the elections service, are there too.
    served = [r for r in records["items"] if r["served_by"] == roll_platform.elections_client_id]
    assert {(r["client_id"], r["purpose"], r["operation"]) for r in served} == {
        (roll_platform.admin[0], PURPOSE, "elections_explain_roll_decision"),
        (roll_platform.admin[0], PURPOSE, "elections_list_voters"),
    }
    assert all(r["items"] == ["address", "basic"] for r in served)
    assert not any(
        r["served_by"] == roll_platform.elections_client_id
        for r in (await _created(await gateway.get(f"/registry/v1/residents/{foreigner}/access-records")))[
            "items"
        ]
        if r["operation"] == "elections_list_voters"
    )

    # A death and a move, followed through the change feed without a rebuild.
    await _event(gateway, voter, {"type": "death", "effective_date": (today - timedelta(days=1)).isoformat()})
    await _event(
        gateway,
        leaver,
        {
            "type": "move_out",
            "effective_date": (today - timedelta(days=2)).isoformat(),
            "to_local_government_code": SAPPORO_CHUO,
        },
    )
    synced = await _created(await gateway.post(f"/elections/v1/elections/{election_id}/roll/syncs"))
    assert synced["events_applied"] == 2
    assert synced["residents_redecided"] == 2
    on, reasons = await _decision(gateway, election_id, voter)
    assert not on
    assert reasons["deceased"] is False
    on, reasons = await _decision(gateway, election_id, leaver)
    assert on
    assert reasons["kept_after_move_out"] is True
    idle = await _created(await gateway.post(f"/elections/v1/elections/{election_id}/roll/syncs"))
    assert (idle["events_applied"], idle["cursor"]) == (0, synced["cursor"])
