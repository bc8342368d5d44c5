"""A national election's roll features against a real running registry, through the gateway (issue 16):
a suspension of the vote marked on the roll and refused at check-in, the overseas roll registered from
the registry's move abroad (read by the elections service with its own credentials and purpose), a vote
from abroad, an absentee ballot received before the voter came, and turnout with the overseas roll apart.

Hand-computed: three residents of Chiyoda on the roll (一郎, 二郎, 三郎). 二郎's vote is suspended to polling
day; 三郎 moved abroad ten days ago and transferred to the overseas roll (Chiyoda's number 1). 一郎 votes
absentee, 三郎 by post. Turnout: registered 2 (三郎 left the domestic roll), suspended 1, electors 1,
voters 1 (absentee); overseas electors 1, voters 1 (post).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx

from services.elections.overseas.source import OVERSEAS_PURPOSE
from shared.values import JST
from shared.web.purpose import decode_purpose
from tests.integration.test_elections_roll import (  # noqa: F401 - fixtures
    CHIYODA,
    RollPlatform,
    _built,
    _created,
    _decision,
    _event,
    _register,
    gateway,
    roll_platform,
)


async def _suspended(client: httpx.AsyncClient, code: str, since: date, until: date) -> dict[str, Any]:
    """A notice suspending the resident's vote (art. 252, an election offence) from `since` to `until`."""
    body = {
        "resident_code": code,
        "basis": "election_offence",
        "from_date": since.isoformat(),
        "until_date": until.isoformat(),
        "source_local_government_code": CHIYODA,
        "document_reference": "本籍地通知 第1号",
    }
    return await _created(await client.post("/elections/v1/suspensions", json=body))


async def test_a_national_election_with_suspensions_overseas_and_absentee_voters(
    gateway: httpx.AsyncClient,  # noqa: F811
    roll_platform: RollPlatform,  # noqa: F811
) -> None:
    today = datetime.now(JST).date()
    ichiro = await _register(gateway, "一郎")
    jiro = await _register(gateway, "二郎")
    saburo = await _register(gateway, "三郎")
    moved = today - timedelta(days=10)
    await _event(
        gateway, saburo, {"type": "move_out", "effective_date": moved.isoformat(), "to_abroad": True}
    )

    announcement, polling = today - timedelta(days=3), today + timedelta(days=2)
    election = await _created(
        await gateway.post(
            "/elections/v1/elections",
            json={
                "name": "衆議院議員総選挙",
                "announcement_date": announcement.isoformat(),
                "polling_day": polling.isoformat(),
            },
        )
    )
    eid = election["id"]
    await _created(
        await gateway.post(
            f"/elections/v1/elections/{eid}/contests",
            json={
                "name": "東京都第1区",
                "kind": "house_of_representatives_district",
                "seats": 1,
                "local_government_codes": [CHIYODA],
            },
        )
    )
    district = await _created(
        await gateway.post(
            f"/elections/v1/elections/{eid}/counting-districts",
            json={"name": "千代田区開票区", "local_government_code": CHIYODA},
        )
    )
    station = await _created(
        await gateway.post(
            f"/elections/v1/elections/{eid}/polling-stations",
            json={
                "name": "期日前投票所",
                "counting_district_id": district["id"],
                "address_areas": ["千代田"],
            },
        )
    )
    await _built(gateway, eid)
    on, reasons = await _decision(gateway, eid, saburo)
    assert on
    assert reasons["kept_after_move_out"] is True

    # 二郎's vote is suspended to polling day (art. 252): marked, still on the roll, refused today.
    suspension = await _suspended(gateway, jiro, today - timedelta(days=400), polling)
    decision = await _created(await gateway.get(f"/elections/v1/elections/{eid}/roll/residents/{jiro}"))
    assert decision["on_roll"] is True
    assert [m["suspension_id"] for m in decision["marks"]] == [suspension["id"]]
    check_ins = f"/elections/v1/elections/{eid}/check-ins"

    def early(code: str) -> dict[str, object]:
        return {"resident_code": code, "method": "early", "station_id": station["id"]}

    refused = await gateway.post(check_ins, json=early(jiro))
    assert refused.status_code == 422, refused.text
    assert refused.json()["article"] == "公職選挙法第252条"

    # 三郎 transfers to Chiyoda's overseas roll, read from the registry's move abroad.
    application = await _created(
        await gateway.post(
            "/elections/v1/overseas-applications",
            json={"resident_code": saburo, "channel": "move_abroad", "country_code": "FR"},
        )
    )
    assert (application["state"], application["local_government_code"]) == ("registered", CHIYODA), (
        application
    )
    entry = await _created(
        await gateway.get(f"/elections/v1/overseas-roll/entries/{application['entry_id']}")
    )
    assert (entry["number"], entry["roll_number"]) == (1, f"在外{CHIYODA}-000001")
    assert (await gateway.post(check_ins, json=early(saburo))).status_code == 422
    voted = await _created(
        await gateway.post(
            f"/elections/v1/elections/{eid}/overseas-votes", json={"resident_code": saburo, "method": "post"}
        )
    )
    assert voted["overseas_method"] == "post"

    # 一郎's absentee ballot arrives before he comes: it is his vote, and check-in is refused.
    ballot = await _created(
        await gateway.post(f"/elections/v1/elections/{eid}/absentee-ballots", json={"resident_code": ichiro})
    )
    for step in ("issued", "voted", "sent", "received"):
        ballot = await _created(
            await gateway.post(
                f"/elections/v1/elections/{eid}/absentee-ballots/{ballot['id']}/steps", json={"step": step}
            )
        )
    assert ballot["outcome"] == "accepted"
    again = await gateway.post(check_ins, json=early(ichiro))
    assert again.status_code == 409, again.text
    assert again.json()["method"] == "absentee"

    turnout = await _created(await gateway.get(f"/elections/v1/elections/{eid}/turnout"))
    assert (turnout["registered"], turnout["suspended_on_polling_day"]) == (2, 1)
    assert turnout["by_sex"]["total"]["electors"] == 1
    assert turnout["by_method"] == {"ordinary": 0, "early": 0, "absentee": 1}
    assert turnout["overseas"] == {
        "electors": 1,
        "voters": 1,
        "turnout_percent": "100.00",
        "by_method": {"consulate": 0, "post": 1, "in_japan": 0},
    }

    # The registry's access log shows the overseas roll's reads of 三郎 with their purpose.
    records = await _created(await gateway.get(f"/registry/v1/residents/{saburo}/access-records"))
    purposes = {r["purpose"] for r in records["items"] if r["client_id"] == roll_platform.elections_client_id}
    assert decode_purpose(OVERSEAS_PURPOSE) in purposes
    operations = {
        r["operation"] for r in records["items"] if r["served_by"] == roll_platform.elections_client_id
    }
    assert "elections_get_overseas_entry" in operations
