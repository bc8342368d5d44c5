"""Public pre-election information over HTTP, without a token, in Japanese and English; station
hours under art. 40."""

from __future__ import annotations

from datetime import time

import httpx
import pytest

from services.elections.public.labels import hours
from shared.contracts.elections import Language
from tests.elections.factories import API, Actors, make_election, post, problem_of


async def test_candidates_parties_and_stations_without_a_token(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors, kind="mayor", stations=2, candidates=2, parties=1)
    eid = setup.election_id
    late = await post(
        elections,
        f"/elections/{eid}/polling-stations",
        {
            "name": "山間投票所",
            "counting_district_id": setup.district_id,
            "address_areas": ["永田町"],
            "opens_at": "08:30",
            "closes_at": "18:00",
        },
        actors.admin,
    )
    assert (late["opens_at"], late["closes_at"]) == ("08:30:00", "18:00:00")

    ja = await elections.get(f"{API}/elections/{eid}/public-information")
    assert ja.status_code == 200, ja.text
    assert ja.headers["content-language"] == "ja"
    body = ja.json()
    assert body["labels"]["polling_day"] == "投票日"
    assert (body["early_voting_from"], body["early_voting_to"]) == ("2026-06-29", "2026-07-04")
    [contest] = body["contests"]
    assert contest["kind_label"] == "市区町村長選挙"
    assert [c["name"] for c in contest["candidates"]] == ["候補 1", "候補 2"]
    assert "birth_date" not in contest["candidates"][0]  # only what the law makes public
    stations = {s["name"]: s for s in body["polling_stations"]}
    assert stations["第1投票所"]["hours"] == "午前7時から午後8時まで"
    assert stations["山間投票所"]["hours"] == "午前8時30分から午後6時まで"
    assert body["parties"][0]["name"] == "党1"

    en = (await elections.get(f"{API}/elections/{eid}/public-information", params={"lang": "en"})).json()
    assert en["labels"]["polling_stations"] == "Polling stations"
    assert en["contests"][0]["kind_label"] == "Mayor"
    assert {s["hours"] for s in en["polling_stations"]} == {"07:00 to 20:00 (JST)", "08:30 to 18:00 (JST)"}

    elsewhere = await elections.get(
        f"{API}/elections/{eid}/public-information", params={"local_government_code": "011002"}
    )
    assert elsewhere.json()["polling_stations"] == []
    assert elsewhere.json()["contests"] == []
    problem_of(await elections.get(f"{API}/elections/{eid}/public-information", params={"lang": "fr"}), 422)
    problem_of(
        await elections.get(
            f"{API}/elections/{eid}/public-information", params={"local_government_code": "131017"}
        ),
        422,
    )
    problem_of(await elections.get(f"{API}/elections/999999/public-information"), 404, "election-not-found")


@pytest.mark.parametrize(
    ("opens", "closes", "ok"),
    [
        ("05:00", "20:00", True),
        ("04:59", "20:00", False),
        ("09:00", "16:00", True),
        ("09:01", "20:00", False),
        ("07:00", "15:59", False),
        ("07:00", "20:01", False),
    ],
)
async def test_polling_hours_follow_article_40(
    elections: httpx.AsyncClient, actors: Actors, opens: str, closes: str, ok: bool
) -> None:
    setup = await make_election(elections, actors, stations=0)
    body = {
        "name": "投票所",
        "counting_district_id": setup.district_id,
        "address_areas": ["丸の内"],
        "opens_at": opens,
        "closes_at": closes,
    }
    response = await elections.post(
        f"{API}/elections/{setup.election_id}/polling-stations", json=body, headers=actors.admin
    )
    if ok:
        assert response.status_code == 201, response.text
    else:
        assert "art. 40" in problem_of(response, 422, "invalid-polling-hours")["detail"]
        listed = await elections.get(
            f"{API}/elections/{setup.election_id}/polling-stations", headers=actors.admin
        )
        assert listed.json()["items"] == []


def test_hours_in_both_languages() -> None:
    assert hours(time(7), time(20), Language.JA) == "午前7時から午後8時まで"
    assert hours(time(9), time(12), Language.JA) == "午前9時から午後12時まで"
    assert hours(time(6, 5), time(16), Language.EN) == "06:05 to 16:00 (JST)"
