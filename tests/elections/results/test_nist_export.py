"""Every shape of NIST SP 1500-100 export validates against the official schema: each contest kind,
fractional votes, parties with abbreviations, partial and certified and corrected results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.elections.results.export import Voters, nist_report
from shared.contracts.elections import (
    CandidateResult,
    ContestKind,
    ContestResult,
    DistrictResult,
    ElectionResults,
    PartyResult,
    ResultStatus,
    SelectionCount,
)
from tests.elections.nist import assert_valid_nist


def _contest(contest_id: int, kind: ContestKind, status: ResultStatus, version: int | None) -> ContestResult:
    proportional = kind.is_proportional
    return ContestResult(
        contest_id=contest_id,
        election_id=1,
        name=f"contest {contest_id}",
        kind=kind,
        seats=2,
        status=status,
        counting_districts_reported=1,
        counting_districts_total=2,
        valid_votes=Decimal("460.999"),
        invalid_ballots=3,
        ballots_issued=470,
        unreturned_ballots=2,
        minimum_to_win=None if proportional else "460999/8000",
        deposit_forfeited_below=None,
        candidates=[
            CandidateResult(
                candidate_id=contest_id * 10 + i,
                name=f"候補{i}",
                party_id=i,
                votes=Decimal(v),
                elected=i == 1,
                reached_minimum=None,
                deposit_forfeited=None,
            )
            for i, v in ((1, "337.173"), (2, "123.826"))
        ],
        parties=[
            PartyResult(
                party_id=i,
                name=f"党{i}",
                party_name_votes=Decimal(v),
                candidate_votes=Decimal(0),
                votes=Decimal(v),
                seats=1,
            )
            for i, v in ((1, "300"), (2, "160.999"))
        ]
        if proportional
        else [],
        steps=[],
        lot_required=None,
        seats_unfilled=0,
        re_election_required=False,
        by_counting_district=[
            DistrictResult(
                counting_district_id=contest_id * 100,
                name="開票区",
                reported=True,
                counts=[
                    SelectionCount(candidate_id=contest_id * 10 + 1, votes=Decimal("337.173")),
                    SelectionCount(party_id=1, votes=Decimal("300")),
                ],
            )
        ],
        version=version,
    )


@pytest.mark.parametrize(
    ("status", "version", "expected"),
    [
        (ResultStatus.UNOFFICIAL_PARTIAL, None, "unofficial-partial"),
        (ResultStatus.CERTIFIED, 1, "certified"),
        (ResultStatus.CERTIFIED, 3, "correction"),
    ],
)
def test_every_kind_validates(status: ResultStatus, version: int | None, expected: str) -> None:
    results = ElectionResults(
        election_id=1,
        name="選挙",
        contests=[_contest(n, kind, status, version) for n, kind in enumerate(ContestKind, start=1)],
    )
    report = nist_report(
        results,
        polling_day=date(2026, 7, 5),
        parties={1: ("党1", "一"), 2: ("党2", None)},
        areas={1: ["131016"], 2: ["130001"]},
        voters=Voters(registered={"131016": 10, "131024": 5}, participated={"131016": 7}),
        generated_at=datetime(2026, 7, 6, 1, 2, 3, 456789, tzinfo=UTC),
    )
    assert_valid_nist(report)
    assert report["Status"] == expected
    assert report["GeneratedDate"] == "2026-07-06T01:02:03Z"
    units = {u["@id"]: u for u in report["GpUnit"]}
    assert units["gpu-lg-130001"]["VotersRegistered"] == 15  # a prefecture sums its municipalities
    assert units["gpu-lg-131016"]["VotersParticipated"] == 7
    assert report["Election"][0]["BallotCounts"][0]["BallotsCast"] == 468


def test_an_invalid_report_fails_the_check() -> None:
    with pytest.raises(AssertionError):
        assert_valid_nist({"@type": "ElectionReport"})
    broken = nist_report(
        ElectionResults(election_id=1, name="x", contests=[]),
        polling_day=date(2026, 7, 5),
        parties={},
        areas={},
        voters=Voters({}, {}),
        generated_at=datetime(2026, 7, 6, tzinfo=UTC),
    )
    broken["GpUnit"][0]["ComposingGpUnitIds"] = ["gpu-nowhere"]
    with pytest.raises(AssertionError, match="names no object"):
        assert_valid_nist(broken)


def test_the_overseas_roll_counts_within_the_totals_and_on_a_line_of_its_own() -> None:
    """An overseas voter counts in a national election: each unit's registered and participating counts
    are the domestic roll's plus the overseas roll's (国内 + 在外 = 計), and the overseas roll also has a
    unit of its own, as the MIC turnout tables give it a separate line. A municipality with only
    overseas electors is still reported."""
    results = ElectionResults(
        election_id=1,
        name="選挙",
        contests=[_contest(1, ContestKind.HOUSE_OF_REPRESENTATIVES_DISTRICT, ResultStatus.CERTIFIED, 1)],
    )
    report = nist_report(
        results,
        polling_day=date(2026, 7, 5),
        parties={1: ("党1", "一"), 2: ("党2", None)},
        areas={1: ["130001"]},
        voters=Voters(
            registered={"131016": 10, "131024": 5},
            participated={"131016": 7, "131024": 1},
            overseas_registered={"131016": 2, "131032": 3},
            overseas_participated={"131032": 1},
        ),
        generated_at=datetime(2026, 7, 6, tzinfo=UTC),
    )
    assert_valid_nist(report)
    units = {u["@id"]: u for u in report["GpUnit"]}
    figures = {key: (u.get("VotersRegistered"), u.get("VotersParticipated")) for key, u in units.items()}
    assert figures["gpu-election-1"] == (10 + 5 + 2 + 3, 7 + 1 + 1)
    assert figures["gpu-election-1-overseas"] == (5, 1)
    assert units["gpu-election-1-overseas"]["OtherType"] == "overseas-roll"
    assert figures["gpu-lg-130001"] == (20, 9)  # the prefecture: all four of its figures


def test_no_overseas_line_without_an_overseas_roll() -> None:
    report = nist_report(
        ElectionResults(election_id=1, name="x", contests=[]),
        polling_day=date(2026, 7, 5),
        parties={},
        areas={},
        voters=Voters({"131016": 4}, {"131016": 2}),
        generated_at=datetime(2026, 7, 6, tzinfo=UTC),
    )
    assert [u["@id"] for u in report["GpUnit"]] == ["gpu-election-1"]
