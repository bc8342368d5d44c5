"""A House of Representatives general election end to end through the gateway (issue 16, "Done when"): set
up, rolled from a running registry (an overseas voter and a suspended one included), voted (in person,
absentee, from abroad), counted (a party name fitting two parties: 按分), decided (a dual candidate
elected back by 惜敗率), corrected (a recount: version 2), exported (NIST SP 1500-100, validated) and
turnout reported with the overseas roll apart and in the total.

Hand-computed. Two districts, a block of 2 seats; 甲党 (P) and 乙党 (Q).
- 東京都第1区 (Chiyoda): a (P) 600, x (Q) 480: a wins; x's 惜敗率 480/600 = 4/5.
- 東京都第2区 (Chuo): b (P) 500, y (Q) 350: b wins; y's 惜敗率 350/500 = 7/10.
- Block lists: P: a and b at rank 1 (both won their districts: off the list), p3 at rank 2;
  Q: x and y sharing rank 1, q3 at rank 2.
- Block votes: Chiyoda P 330, Q 130 and 10 ballots naming a name both parties fit, split by the
  counting district's clear party votes: P 10 × 330/460 = 7.173, Q 10 × 130/460 = 2.826 (truncated);
  Chuo P 270, Q 270. P 607.173, Q 402.826; quotients 607.173, 402.826, 303.586: one seat each.
  P's goes to p3; Q's to x (4/5 beats y's 7/10 at the shared rank).
- A lawsuit's recount of Chuo's block ballots finds 2 of Q's invalid: Q 400.826, the valid votes
  1009.999 → 1007.999 (version 2); the seats do not change.
Roll: five residents of Chiyoda. 一郎 votes early in person, 二郎's vote is suspended to polling day
(refused), 三郎 moved abroad and transferred to Chiyoda's overseas roll (votes by post), 四郎 votes
absentee, 五郎 does not vote. Domestic: registered 4 (三郎 counted abroad), suspended 1, electors 3,
voters 2; overseas: electors 1, voters 1; total 4 electors, 3 voters (75.00 %). The NIST report's
election unit: registered 5 (the suspended voter is on the roll), participated 3; its overseas line 1, 1.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from shared.values import JST
from tests.elections.nist import assert_valid_nist
from tests.integration.elections_platform import Desk, desks, running  # noqa: F401 - fixtures
from tests.integration.test_elections_national import _recount_ordered, _reissued, _tally
from tests.integration.test_elections_national_roll import _suspended
from tests.integration.test_elections_roll import _built, _decision, _event, _register

CHIYODA, CHUO, TOKYO = "131016", "131024", "130001"


async def _setup(commission: Desk, base: str) -> dict[str, Any]:
    """Two districts, the block, a counting district and a station in each municipality, two parties,
    the candidates and the block lists (dual candidates sharing a rank)."""
    ids: dict[str, Any] = {}
    for key, name, code in (("d1", "東京都第1区", CHIYODA), ("d2", "東京都第2区", CHUO)):
        contest = await commission.post(
            f"{base}/contests",
            {
                "name": name,
                "kind": "house_of_representatives_district",
                "seats": 1,
                "local_government_codes": [code],
            },
        )
        ids[key] = contest["id"]
    block = await commission.post(
        f"{base}/contests",
        {
            "name": "東京都ブロック",
            "kind": "house_of_representatives_proportional",
            "seats": 2,
            "local_government_codes": [TOKYO],
        },
    )
    ids["block"] = block["id"]
    for key, name, code in (("chiyoda", "千代田区", CHIYODA), ("chuo", "中央区", CHUO)):
        counting = await commission.post(
            f"{base}/counting-districts", {"name": f"{name}開票区", "local_government_code": code}
        )
        station = await commission.post(
            f"{base}/polling-stations",
            {"name": f"{name}役所", "counting_district_id": counting["id"], "address_areas": [name[:2]]},
        )
        ids[key] = station["id"]
    ids["P"] = (await commission.post(f"{base}/parties", {"name": "甲党", "abbreviation": "甲"}))["id"]
    ids["Q"] = (await commission.post(f"{base}/parties", {"name": "乙党"}))["id"]

    def person(name: str, kana: str, party: str) -> dict[str, Any]:
        return {"name": name, "kana": kana, "birth_date": "1970-04-01", "party_id": ids[party]}

    people = {
        "a": ("d1", person("甲野 一", "コウノ ハジメ", "P")),
        "x": ("d1", person("乙山 次郎", "オツヤマ ジロウ", "Q")),
        "b": ("d2", person("甲田 三郎", "コウダ サブロウ", "P")),
        "y": ("d2", person("乙川 四郎", "オツカワ シロウ", "Q")),
    }
    listed = f"/elections/v1/contests/{ids['block']}/candidates"
    for key, (district, body) in people.items():
        path = f"/elections/v1/contests/{ids[district]}/candidates"
        ids[key] = (await commission.post(path, {**body, "deposit_yen": 3_000_000}))["id"]
        entry = {**body, "deposit_yen": 3_000_000, "list_rank": 1, "district_candidate_id": ids[key]}
        ids[f"{key}_list"] = (await commission.post(listed, entry))["id"]
    for key, body in (
        ("p3", person("甲斐 五郎", "カイ ゴロウ", "P")),
        ("q3", person("乙部 六郎", "オトベ ロクロウ", "Q")),
    ):
        ids[key] = (await commission.post(listed, {**body, "deposit_yen": 6_000_000, "list_rank": 2}))["id"]
    return ids


async def test_a_general_election_from_setup_to_export(desks: dict[str, Desk]) -> None:  # noqa: F811
    commission, chief = desks["commission"], desks["chief"]
    clerks = [desks["clerk-a"], desks["clerk-b"]]
    gateway = commission.client
    today = datetime.now(JST).date()
    ichiro, jiro, saburo, shiro, goro = [
        await _register(gateway, name) for name in ("一郎", "二郎", "三郎", "四郎", "五郎")
    ]
    await _event(
        gateway,
        saburo,
        {"type": "move_out", "effective_date": (today - timedelta(days=10)).isoformat(), "to_abroad": True},
    )
    polling = today + timedelta(days=2)
    election = await commission.post(
        "/elections/v1/elections",
        {
            "name": "第52回衆議院議員総選挙",
            "announcement_date": (today - timedelta(days=3)).isoformat(),
            "polling_day": polling.isoformat(),
        },
    )
    eid = election["id"]
    base = f"/elections/v1/elections/{eid}"
    ids = await _setup(commission, base)

    # The roll from the running registry: all five, 三郎 kept after his move abroad.
    build = await _built(gateway, eid)
    assert build["voters"] == 5, build
    on, reasons = await _decision(gateway, eid, saburo)
    assert on
    assert reasons["kept_after_move_out"]

    # 二郎's vote is suspended to polling day (art. 252): marked on the roll, refused at check-in.
    await _suspended(gateway, jiro, today - timedelta(days=400), polling)
    check_ins = f"{base}/check-ins"

    def early(code: str) -> dict[str, Any]:
        return {"resident_code": code, "method": "early", "station_id": ids["chiyoda"]}

    refused = await gateway.post(check_ins, json=early(jiro))
    assert refused.status_code == 422, refused.text
    assert refused.json()["article"] == "公職選挙法第252条"

    # 三郎 on Chiyoda's overseas roll from the registry's move abroad; he votes by post.
    application = await commission.post(
        "/elections/v1/overseas-applications",
        {"resident_code": saburo, "channel": "move_abroad", "country_code": "FR"},
    )
    assert (application["state"], application["local_government_code"]) == ("registered", CHIYODA)
    assert (await gateway.post(check_ins, json=early(saburo))).status_code == 422
    await commission.post(f"{base}/overseas-votes", {"resident_code": saburo, "method": "post"})

    # 一郎 votes early in person; 四郎's absentee ballot is received.
    await clerks[0].post(check_ins, early(ichiro))
    ballot = await commission.post(f"{base}/absentee-ballots", {"resident_code": shiro})
    for step in ("issued", "voted", "sent", "received"):
        ballot = await commission.post(f"{base}/absentee-ballots/{ballot['id']}/steps", {"step": step})
    assert ballot["outcome"] == "accepted"

    # Counted twice by two clerks; Chiyoda's block sheet has 10 ballots fitting both parties.
    def votes(**counts: int) -> list[dict[str, Any]]:
        kind = {key: "party_id" if key in ("P", "Q") else "candidate_id" for key in counts}
        return [{kind[key]: ids[key], "votes": str(n)} for key, n in counts.items()]

    await _tally(clerks, ids["d1"], ids["chiyoda"], votes(a=600, x=480))
    await _tally(clerks, ids["d2"], ids["chuo"], votes(b=500, y=350))
    fits_both = [{"party_ids": [ids["P"], ids["Q"]], "ballots": 10}]
    await _tally(clerks, ids["block"], ids["chiyoda"], votes(P=330, Q=130), ambiguous=fits_both)
    await _tally(clerks, ids["block"], ids["chuo"], votes(P=270, Q=270))

    # Decided in one request for the whole election.
    decided = {c["contest_id"]: c for c in (await commission.get(f"{base}/results"))["contests"]}
    assert [c["candidate_id"] for c in decided[ids["d1"]]["candidates"] if c["elected"]] == [ids["a"]]
    assert [c["candidate_id"] for c in decided[ids["d2"]]["candidates"] if c["elected"]] == [ids["b"]]
    block = decided[ids["block"]]
    parties = {row["party_id"]: row for row in block["parties"]}
    assert (parties[ids["P"]]["votes"], parties[ids["Q"]]["votes"]) == ("607.173", "402.826")
    assert (parties[ids["P"]]["seats"], parties[ids["Q"]]["seats"]) == (1, 1)
    standing = {c["candidate_id"]: c for c in block["candidates"]}
    assert {standing[ids[k]]["list_standing"]["standing"] for k in ("a_list", "b_list")} == {"won_district"}
    assert standing[ids["x_list"]]["list_standing"]["sekihairitsu"] == "4/5"
    assert standing[ids["y_list"]]["list_standing"]["sekihairitsu"] == "7/10"
    elected = {key for key in ("p3", "q3", "x_list", "y_list") if standing[ids[key]]["elected"]}
    assert elected == {"p3", "x_list"}
    for contest in ("d1", "d2", "block"):
        await chief.post(f"/elections/v1/contests/{ids[contest]}/certification", {})

    # A lawsuit orders a recount of the block: two of Q's ballots in Chuo were invalid.
    path = f"/elections/v1/contests/{ids['block']}"
    lawsuit = await _recount_ordered(chief, path, today)
    await _tally(clerks, ids["block"], ids["chuo"], votes(P=270, Q=268), invalid=2)
    version, changes = await _reissued(chief, path, lawsuit, "general-block-recount")
    assert changes["valid_votes"] == ("1009.999", "1007.999")
    assert changes[f"party:{ids['Q']}.votes"] == ("402.826", "400.826")
    reissued = {c["candidate_id"]: c["elected"] for c in version["result"]["candidates"]}
    assert (reissued[ids["p3"]], reissued[ids["x_list"]], reissued[ids["y_list"]]) == (True, True, False)

    # Turnout: the domestic roll's figures, the overseas roll apart, and both in the total.
    turnout = await commission.get(f"{base}/turnout")
    assert (turnout["registered"], turnout["suspended_on_polling_day"]) == (4, 1)
    assert (turnout["by_sex"]["total"]["electors"], turnout["by_sex"]["total"]["voters"]) == (3, 2)
    assert turnout["by_method"] == {"ordinary": 0, "early": 1, "absentee": 1}
    assert (turnout["overseas"]["electors"], turnout["overseas"]["voters"]) == (1, 1)
    assert turnout["overseas"]["by_method"]["post"] == 1
    assert turnout["with_overseas"] == {"electors": 4, "voters": 3, "turnout_percent": "75.00"}

    # The NIST export, open to anyone, validates; the overseas voter counts in it.
    async with httpx.AsyncClient(base_url=str(gateway.base_url), timeout=30.0) as public:
        anonymous = await public.get(f"{base}/results/nist")
    assert anonymous.status_code == 200, anonymous.text
    report = assert_valid_nist(anonymous.json())
    assert report["Status"] == "correction"
    units = {u["@id"]: u for u in report["GpUnit"]}
    figures = {key: (u.get("VotersRegistered"), u.get("VotersParticipated")) for key, u in units.items()}
    assert figures[f"gpu-election-{eid}"] == (5, 3)
    assert figures[f"gpu-election-{eid}-overseas"] == (1, 1)
    assert figures[f"gpu-lg-{CHIYODA}"] == (5, 3)
    contests = {c["@id"]: c for c in report["Election"][0]["Contest"]}
    assert contests[f"con-{ids['block']}"]["ExternalIdentifier"][0]["Value"] == "2"
    ballots = {b["GpUnitId"]: b for b in report["Election"][0]["BallotCounts"]}
    assert ballots[f"gpu-contest-{ids['block']}"]["BallotsRejected"] == 2
    assert goro  # on the roll, did not vote: an elector, not a voter
