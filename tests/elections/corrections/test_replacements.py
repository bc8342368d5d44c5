"""Replacement winners (繰上補充, art. 97, 97-2) over HTTP and as pure rules, hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from services.elections.corrections.rules import (
    district_replacement,
    list_replacement,
    party_order,
    within_period,
)
from shared.contracts.elections import CandidateResult, ContestKind, ContestResult, ListStanding, ResultStatus
from tests.elections.corrections.test_corrections import enter
from tests.elections.factories import API, Actors, make_election, post, problem_of


async def test_the_next_candidate_who_reached_the_minimum_takes_the_seat_within_three_months(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    # 2 seats; 500, 300, 200, 50 votes: V/S/4 = 1050/2/4 = 131.25, so the third reached it, the fourth not.
    setup = await make_election(
        elections, actors, kind="municipal_assembly", seats=2, stations=1, candidates=4
    )
    a, b, c, d = setup.candidate_ids
    await enter(elections, actors, setup, [500, 300, 200, 50])
    path = f"/contests/{setup.contest_id}/replacements"
    early = {"vacated_candidate_id": a, "cause": "death", "occurred_on": "2026-08-01"}
    problem_of(
        await elections.post(API + path, json=early, headers=actors.supervisor), 409, "result-not-certified"
    )
    await post(elections, f"/contests/{setup.contest_id}/certification", {}, actors.supervisor)

    replaced = await post(elections, path, early, actors.supervisor)
    assert (replaced["outcome"], replaced["replacement_candidate_id"]) == ("replaced", c)
    assert "art. 97" in replaced["legal_basis"]
    assert replaced["legal_basis_verified"] is False
    # The replacement winner holds the seat now; when they leave it, nobody else reached the minimum.
    left = await post(
        elections,
        path,
        {"vacated_candidate_id": c, "cause": "resignation", "occurred_on": "2026-09-01"},
        actors.supervisor,
    )
    assert (left["outcome"], left["replacement_candidate_id"]) == ("no_eligible_candidate", None)
    # After three months a vacancy goes to a by-election (polling day 2026-07-05: the last day is 10-05).
    late = await post(
        elections,
        path,
        {"vacated_candidate_id": b, "cause": "lost_eligibility", "occurred_on": "2026-10-06"},
        actors.supervisor,
    )
    assert late["outcome"] == "period_expired"
    assert "補欠選挙" in late["explanation"]
    # Those who hold no seat (a loser, a winner already gone) vacate nothing.
    for gone in (d, a):
        body = {"vacated_candidate_id": gone, "cause": "death", "occurred_on": "2026-08-02"}
        problem_of(
            await elections.post(API + path, json=body, headers=actors.supervisor), 422, "not-a-seat-holder"
        )
    listed = (await elections.get(API + path)).json()
    assert [r["vacated_candidate_id"] for r in listed] == [a, c, b]


async def test_bad_replacement_requests_change_nothing(elections: httpx.AsyncClient, actors: Actors) -> None:
    setup = await make_election(
        elections, actors, kind="municipal_assembly", seats=2, stations=1, candidates=3
    )
    await enter(elections, actors, setup, [500, 300, 200])
    await post(elections, f"/contests/{setup.contest_id}/certification", {}, actors.supervisor)
    path = f"{API}/contests/{setup.contest_id}/replacements"
    winner = setup.candidate_ids[0]
    base = {"vacated_candidate_id": winner, "cause": "death", "occurred_on": "2026-08-01"}
    assert (await elections.post(path, json=base)).status_code == 401
    assert (await elections.post(path, json=base, headers=actors.admin)).status_code == 403
    problem_of(await elections.post(path, json={**base, "cause": "exile"}, headers=actors.supervisor), 422)
    before = {**base, "occurred_on": "2026-07-01"}
    problem_of(await elections.post(path, json=before, headers=actors.supervisor), 422, "invalid-replacement")
    stranger = {**base, "skip": [{"candidate_id": 999999, "reason": "x"}]}
    problem_of(
        await elections.post(path, json=stranger, headers=actors.supervisor), 422, "invalid-replacement"
    )
    assert (await elections.get(path)).json() == []
    # The person next in line can be passed over with a reason; nobody else reached the minimum.
    skipped = {**base, "skip": [{"candidate_id": setup.candidate_ids[2], "reason": "死亡"}]}
    recorded = (await elections.post(path, json=skipped, headers=actors.supervisor)).json()
    assert recorded["outcome"] == "no_eligible_candidate"
    assert recorded["skipped"][0]["reason"] == "死亡"


@pytest.mark.parametrize(
    ("polling_day", "occurred_on", "within"),
    [
        (date(2026, 7, 5), date(2026, 10, 5), True),
        (date(2026, 7, 5), date(2026, 10, 6), False),
        (date(2026, 11, 30), date(2027, 2, 28), True),  # month-end clamped
        (date(2026, 11, 30), date(2027, 3, 1), False),
    ],
)
def test_three_months_from_polling_day(polling_day: date, occurred_on: date, within: bool) -> None:
    assert within_period(polling_day, occurred_on) is within


def _candidate(
    cid: int, votes: str, elected: bool, place: int | None = None, **kw: object
) -> CandidateResult:
    standing = None
    if place is not None or kw.get("standing"):
        standing = ListStanding(
            rank=1,
            district_candidate_id=None,
            sekihairitsu=None,
            sekihairitsu_decimal=None,
            place=place,
            standing=str(kw.get("standing", "elected" if elected else "after_last_seat")),
        )
    return CandidateResult(
        candidate_id=cid,
        name=str(cid),
        party_id=1,
        votes=Decimal(votes),
        elected=elected,
        reached_minimum=bool(kw.get("reached", True)),
        deposit_forfeited=False,
        list_standing=standing,
    )


def _result(kind: ContestKind, candidates: list[CandidateResult]) -> ContestResult:
    return ContestResult(
        contest_id=1,
        election_id=1,
        name="x",
        kind=kind,
        seats=2,
        status=ResultStatus.CERTIFIED,
        counting_districts_reported=1,
        counting_districts_total=1,
        valid_votes=Decimal(0),
        invalid_ballots=0,
        ballots_issued=0,
        minimum_to_win=None,
        deposit_forfeited_below=None,
        candidates=candidates,
        parties=[],
        steps=[],
        lot_required=None,
        seats_unfilled=0,
        re_election_required=False,
        by_counting_district=[],
    )


def test_a_block_list_skips_district_winners_those_under_a_tenth_and_the_unavailable() -> None:
    block = _result(
        ContestKind.HOUSE_OF_REPRESENTATIVES_PROPORTIONAL,
        [
            _candidate(1, "0", True, 1),
            _candidate(2, "0", True, 2),
            _candidate(3, "0", False, None, standing="won_district"),
            _candidate(4, "0", False, None, standing="below_deposit_line"),
            _candidate(5, "0", False, 4),
            _candidate(6, "0", False, 3),
        ],
    )
    order = party_order(block, 1)
    assert order == [1, 2, 6, 5]
    assert list_replacement(party_order=order, result=block, unavailable={1}).candidate_id == 6
    assert list_replacement(party_order=order, result=block, unavailable={1, 6}).candidate_id == 5
    assert (
        list_replacement(party_order=order, result=block, unavailable={1, 5, 6}).outcome
        == "no_eligible_candidate"
    )


def test_equal_votes_for_a_vacated_seat_need_a_lot() -> None:
    race = _result(
        ContestKind.MUNICIPAL_ASSEMBLY,
        [
            _candidate(1, "500", True),
            _candidate(2, "300", True),
            _candidate(3, "200", False),
            _candidate(4, "200", False),
        ],
    )
    decided = district_replacement(
        polling_day=date(2026, 7, 5), occurred_on=date(2026, 7, 6), result=race, unavailable={1, 2}
    )
    assert decided.outcome == "lot_required"
    assert decided.candidate_id is None
