"""A House of Representatives general election end to end through the gateway (issue 16): a
single-member district and a proportional block with dual candidates, the roll from a running
registry, early votes checked in, double-entered tallies, results decided and certified, a lawsuit
ordering a recount of the block (its result re-issued as version 2), and the NIST SP 1500-100
export validated against the official schema."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from shared.values import JST
from tests.elections.nist import assert_valid_nist
from tests.integration.elections_platform import Desk, desks, running  # noqa: F401 - fixtures

CHIYODA, TOKYO = "131016", "130001"


async def _voters(commission: Desk, count: int) -> list[str]:
    codes = []
    for n in range(count):
        body = {
            "event_type": "birth",
            "effective_date": "1980-05-05",
            "date_of_birth": "1980-05-05",
            "family_name": "国政",
            "given_name": f"有権者{n}",
            "family_name_kana": "コクセイ",
            "given_name_kana": "ユウケンシャ",
            "sex": "female" if n % 2 else "male",
            "address": {"local_government_code": CHIYODA, "address_lines": [f"千代田1-{n + 1}"]},
        }
        codes.append((await commission.post("/registry/v1/residents", body))["resident_code"])
    return codes


async def _tally(
    clerks: list[Desk],
    contest_id: int,
    station_id: int,
    votes: list[dict[str, Any]],
    invalid: int = 0,
    ambiguous: list[dict[str, Any]] | None = None,
) -> None:
    """A station's sheet entered by each clerk in turn (two entries that agree: counted). `ambiguous`:
    ballots whose name fits several (按分, art. 68-2, 68-3)."""
    valid = sum(int(v["votes"]) for v in votes) + sum(group["ballots"] for group in ambiguous or [])
    body = {
        "station_id": station_id,
        "votes": votes,
        "ambiguous": ambiguous or [],
        "ballots_issued": valid + invalid,
        "invalid_ballots": invalid,
        "blank_ballots": 0,
        "unreturned_ballots": 0,
    }
    for clerk in clerks:
        sheet = await clerk.post(f"/elections/v1/contests/{contest_id}/tally-entries", body)
    assert sheet["status"] == "counted", sheet


async def _recount_ordered(chief: Desk, path: str, today: date) -> dict[str, Any]:
    """A lawsuit against the contest's result, decided today with a recount ordered."""
    lawsuit = await chief.post(
        f"{path}/objections",
        {"kind": "lawsuit", "filed_on": today.isoformat(), "grounds": "無効票の判定誤り"},
    )
    await chief.post(
        f"{path}/objections/{lawsuit['id']}/decision",
        {"outcome": "recount_ordered", "decided_on": today.isoformat(), "reasons": "再点検を命ずる"},
    )
    return lawsuit


async def _reissued(
    chief: Desk, path: str, lawsuit: dict[str, Any], key: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The recounted result issued again under the lawsuit: the new version, its changes (before, after)."""
    version = await chief.post(
        f"{path}/results/versions",
        {"objection_id": lawsuit["id"], "reason": "判決に基づく再点検"},
        **{"Idempotency-Key": key},
    )
    assert version["version"] == 2
    return version, {c["item"]: (c["before"], c["after"]) for c in version["changes"]}


async def test_a_house_of_representatives_general_election(desks: dict[str, Desk]) -> None:  # noqa: F811
    commission, chief = desks["commission"], desks["chief"]
    clerks = [desks["clerk-a"], desks["clerk-b"]]
    voters = await _voters(commission, 5)
    today = datetime.now(JST).date()
    election = await commission.post(
        "/elections/v1/elections",
        {
            "name": "第52回衆議院議員総選挙",
            "announcement_date": (today - timedelta(days=2)).isoformat(),
            "polling_day": (today + timedelta(days=5)).isoformat(),
        },
    )
    eid = election["id"]
    base = f"/elections/v1/elections/{eid}"
    district = await commission.post(
        f"{base}/contests",
        {
            "name": "東京都第1区",
            "kind": "house_of_representatives_district",
            "seats": 1,
            "local_government_codes": [CHIYODA],
        },
    )
    block = await commission.post(
        f"{base}/contests",
        {
            "name": "東京都ブロック",
            "kind": "house_of_representatives_proportional",
            "seats": 2,
            "local_government_codes": [TOKYO],
        },
    )
    counting = await commission.post(
        f"{base}/counting-districts", {"name": "千代田区開票区", "local_government_code": CHIYODA}
    )
    station = await commission.post(
        f"{base}/polling-stations",
        {"name": "千代田区役所", "counting_district_id": counting["id"], "address_areas": ["千代田"]},
    )
    p = await commission.post(f"{base}/parties", {"name": "甲党", "abbreviation": "甲"})
    q = await commission.post(f"{base}/parties", {"name": "乙党"})

    def person(name: str, kana: str, party: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "kana": kana, "birth_date": "1970-04-01", "party_id": party["id"]}

    a, x = person("甲野 一", "コウノ ハジメ", p), person("乙山 次郎", "オツヤマ ジロウ", q)
    a_id = (
        await commission.post(
            f"/elections/v1/contests/{district['id']}/candidates", {**a, "deposit_yen": 3_000_000}
        )
    )["id"]
    x_id = (
        await commission.post(
            f"/elections/v1/contests/{district['id']}/candidates", {**x, "deposit_yen": 3_000_000}
        )
    )["id"]
    listed = f"/elections/v1/contests/{block['id']}/candidates"
    entry = {"deposit_yen": 6_000_000, "list_rank": 1}
    a_list = (await commission.post(listed, {**a, **entry, "district_candidate_id": a_id}))["id"]
    x_list = (await commission.post(listed, {**x, **entry, "district_candidate_id": x_id}))["id"]
    p2 = (
        await commission.post(listed, {**person("甲田 三郎", "コウダ サブロウ", p), **entry, "list_rank": 2})
    )["id"]
    q2 = (
        await commission.post(listed, {**person("乙川 四郎", "オツカワ シロウ", q), **entry, "list_rank": 2})
    )["id"]

    # The public reads what is on the ballot without a token.
    public = await commission.client.get(f"{base}/results")
    assert public.status_code == 200

    # The roll from the running registry; five early votes.
    started = await commission.post(f"{base}/roll/builds", {})
    build = started
    while build["state"] not in ("succeeded", "failed"):
        await asyncio.sleep(0.1)
        build = await commission.get(f"{base}/roll/builds/{started['id']}")
    assert (build["state"], build["voters"]) == ("succeeded", 5), build
    for code in voters:
        await clerks[0].post(
            f"{base}/check-ins", {"resident_code": code, "method": "early", "station_id": station["id"]}
        )

    # Counted twice by different clerks: the district a 3, x 2; the block 甲党 3, 乙党 2.
    await _tally(
        clerks,
        district["id"],
        station["id"],
        [{"candidate_id": a_id, "votes": "3"}, {"candidate_id": x_id, "votes": "2"}],
    )
    await _tally(
        clerks,
        block["id"],
        station["id"],
        [{"party_id": p["id"], "votes": "3"}, {"party_id": q["id"], "votes": "2"}],
    )
    decided = await commission.get(f"/elections/v1/contests/{block['id']}/results")
    assert decided["status"] == "unofficial-complete"
    seats = {party["party_id"]: party["seats"] for party in decided["parties"]}
    assert seats == {p["id"]: 1, q["id"]: 1}
    standing = {c["candidate_id"]: c for c in decided["candidates"]}
    # a won the district and leaves the list; 甲党's seat goes to p2; x comes back on 惜敗率 2/3.
    assert standing[a_list]["list_standing"]["standing"] == "won_district"
    assert standing[p2]["elected"]
    assert standing[x_list]["elected"]
    assert not standing[q2]["elected"]
    assert standing[x_list]["list_standing"]["sekihairitsu"] == "2/3"
    for contest in (district, block):
        await chief.post(f"/elections/v1/contests/{contest['id']}/certification", {})

    # A lawsuit orders a recount of the block: one 乙党 ballot was invalid.
    path = f"/elections/v1/contests/{block['id']}"
    lawsuit = await _recount_ordered(chief, path, today)
    await _tally(
        clerks,
        block["id"],
        station["id"],
        [{"party_id": p["id"], "votes": "3"}, {"party_id": q["id"], "votes": "1"}],
        invalid=1,
    )
    version, changes = await _reissued(chief, path, lawsuit, "block-recount-1")
    assert changes["valid_votes"] == ("5.000", "4.000")
    assert changes[f"party:{q['id']}.votes"] == ("2.000", "1.000")
    # 甲党 3, 1.5 beats 乙党 1, but its list holds only p2: the second seat stays with 乙党.
    assert {pr["party_id"]: pr["seats"] for pr in version["result"]["parties"]} == {p["id"]: 1, q["id"]: 1}
    first = await commission.get(f"{path}/results/versions/1")
    assert first["result"]["valid_votes"] == "5.000"

    anonymous = await commission.client.get(f"{base}/results/nist")
    assert anonymous.status_code == 200
    report = assert_valid_nist(anonymous.json())
    assert report["Status"] == "correction"
    scope = next(u for u in report["GpUnit"] if u["@id"] == f"gpu-election-{eid}")
    assert (scope["VotersRegistered"], scope["VotersParticipated"]) == (5, 5)
    contests = {c["@id"]: c for c in report["Election"][0]["Contest"]}
    assert contests[f"con-{block['id']}"]["ExternalIdentifier"][0]["Value"] == "2"
    assert contests[f"con-{district['id']}"]["ExternalIdentifier"][0]["Value"] == "1"
    ballots = {b["GpUnitId"]: b for b in report["Election"][0]["BallotCounts"]}
    assert ballots[f"gpu-contest-{block['id']}"]["BallotsRejected"] == 1
