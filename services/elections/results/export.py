"""Results as NIST SP 1500-100 (v2) Election Results Reporting JSON, and as CSV. Pure."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from shared.contracts.elections import (
    CandidateResult,
    ContestKind,
    ContestResult,
    ElectionResults,
    ResultStatus,
)
from shared.values import to_rfc3339

ISSUER = "jichi election administration"
ISSUER_ABBREVIATION = "JP-MIC"
VENDOR = "jichi-elections"
SCHEMA_PREFIX = "ElectionResults."
"""The `@type` of every object in NIST SP 1500-100 v2 JSON carries the package name."""


def _typed(kind: str, **fields: Any) -> dict[str, Any]:
    return {"@type": SCHEMA_PREFIX + kind, **fields}


def _text(value: str) -> dict[str, Any]:
    return _typed("InternationalizedText", Text=[_typed("LanguageString", Language="ja", Content=value)])


def _other_id(kind: str, value: str) -> dict[str, Any]:
    return _typed("ExternalIdentifier", Type="other", OtherType=kind, Value=value)


def _count(value: Decimal) -> int | float:
    # Fractional votes stay fractional (the standard's Count is a number); whole ones are integers.
    return int(value) if value == value.to_integral_value() else float(value)


def report_status(results: ElectionResults) -> ResultStatus:
    statuses = {c.status for c in results.contests}
    if statuses and statuses == {ResultStatus.CERTIFIED}:
        return ResultStatus.CERTIFIED
    if statuses and statuses <= {ResultStatus.CERTIFIED, ResultStatus.UNOFFICIAL_COMPLETE}:
        return ResultStatus.UNOFFICIAL_COMPLETE
    return ResultStatus.UNOFFICIAL_PARTIAL


def nist_status(results: ElectionResults) -> str:
    """The report's status; a certified report of which any result was re-issued is a correction."""
    status = report_status(results)
    if status == ResultStatus.CERTIFIED and any((c.version or 1) > 1 for c in results.contests):
        return "correction"
    return status.value


@dataclass(frozen=True, slots=True)
class Voters:
    """Registered electors (on the roll) and those who voted (a standing check-in), per municipality: the
    domestic roll's, and the overseas roll's (在外選挙人名簿, national elections only), which the
    reporting units' figures include and which the report also gives apart, as the MIC turnout tables
    give the overseas roll a line of its own within the total."""

    registered: dict[str, int]
    participated: dict[str, int]
    overseas_registered: dict[str, int] = field(default_factory=dict)
    overseas_participated: dict[str, int] = field(default_factory=dict)

    def municipalities(self) -> list[str]:
        return sorted({*self.registered, *self.overseas_registered})


def _unit(unit_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return _typed("ReportingUnit", **{"@id": unit_id}, Type="other", Name=_text(name), **fields)


def _total(count: Decimal, unit_id: str) -> dict[str, Any]:
    return _typed("VoteCounts", Count=_count(count), GpUnitId=unit_id, Type="total")


def _voter_fields(voters: Voters, codes: list[str], *, overseas_only: bool = False) -> dict[str, int]:
    registered = [voters.overseas_registered] + ([] if overseas_only else [voters.registered])
    participated = [voters.overseas_participated] + ([] if overseas_only else [voters.participated])
    return {
        "VotersRegistered": sum(counts.get(code, 0) for counts in registered for code in codes),
        "VotersParticipated": sum(counts.get(code, 0) for counts in participated for code in codes),
    }


def _area_units(codes: list[str], voters: Voters) -> dict[str, dict[str, Any]]:
    """The prefectures and municipalities a contest's district is made of (JIS X 0402 codes), with
    the electors on the roll and the voters of each municipality."""
    units = {}
    for code in codes:
        prefecture = code[2:5] == "000"
        members = [c for c in voters.municipalities() if c[:2] == code[:2]] if prefecture else [code]
        units[f"gpu-lg-{code}"] = _typed(
            "ReportingUnit",
            **{"@id": f"gpu-lg-{code}"},
            Type="state" if prefecture else "municipality",
            Name=_text(code),
            ExternalIdentifier=[_other_id("jis-x-0402", code)],
            **_voter_fields(voters, members),
        )
    return units


def _counting_districts(
    contest: ContestResult,
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, int], list[dict[str, Any]]]]:
    """The contest's counting districts as reporting units, and each selection's count in each."""
    units: dict[str, dict[str, Any]] = {}
    per_district: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for district in contest.by_counting_district:
        unit_id = f"gpu-cd-{district.counting_district_id}"
        units[unit_id] = _unit(unit_id, district.name, OtherType="counting-district")
        for item in district.counts:
            key = (
                ("candidate", item.candidate_id)
                if item.candidate_id is not None
                else ("party", item.party_id or 0)
            )
            per_district.setdefault(key, []).append(_total(item.votes, unit_id))
    return units, per_district


def _candidate(candidate: CandidateResult, contest: ContestResult, done: bool) -> dict[str, Any]:
    entry = _typed("Candidate", **{"@id": f"can-{candidate.candidate_id}"}, BallotName=_text(candidate.name))
    if candidate.party_id is not None:
        entry["PartyId"] = f"par-{candidate.party_id}"
    if done and contest.lot_required is None:
        entry["PostElectionStatus"] = "winner" if candidate.elected else "defeated"
    return entry


def _selections(
    contest: ContestResult, district_id: str, per_district: dict[tuple[str, int], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Candidates (where ballots name them) and parties, each with its total and per-district counts."""
    selections: list[dict[str, Any]] = []
    if not contest.kind.is_proportional or contest.kind == ContestKind.HOUSE_OF_COUNCILLORS_NATIONAL:
        selections += [
            _typed(
                "CandidateSelection",
                **{"@id": f"cs-{contest.contest_id}-{candidate.candidate_id}"},
                CandidateIds=[f"can-{candidate.candidate_id}"],
                VoteCounts=[
                    _total(candidate.votes, district_id),
                    *per_district.get(("candidate", candidate.candidate_id), []),
                ],
            )
            for candidate in contest.candidates
        ]
    selections += [
        _typed(
            "PartySelection",
            **{"@id": f"ps-{contest.contest_id}-{party.party_id}"},
            PartyIds=[f"par-{party.party_id}"],
            VoteCounts=[_total(party.votes, district_id), *per_district.get(("party", party.party_id), [])],
        )
        for party in contest.parties
    ]
    return selections


def _contest(
    contest: ContestResult, district_id: str, selections: list[dict[str, Any]], done: bool
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "@id": f"con-{contest.contest_id}",
        "Name": contest.name,
        "ElectionDistrictId": district_id,
        "SubUnitsReported": contest.counting_districts_reported,
        "TotalSubUnits": contest.counting_districts_total,
        "CountStatus": [_typed("CountStatus", Status="completed" if done else "in-process", Type="total")],
        "ContestSelection": selections,
    }
    if contest.version is not None:
        # Which issue of a certified result this is (1 at certification, +1 per correction).
        fields["ExternalIdentifier"] = [_other_id("jichi-result-version", str(contest.version))]
    if contest.kind.is_proportional:
        return _typed("PartyContest", **fields)
    return _typed("CandidateContest", **fields, NumberElected=contest.seats, VotesAllowed=1)


def _ballots(contest: ContestResult, district_id: str) -> dict[str, Any]:
    """Ballots cast in the contest (issued less unreturned) and those rejected (invalid, blank included)."""
    return _typed(
        "BallotCounts",
        GpUnitId=district_id,
        Type="total",
        BallotsCast=contest.ballots_issued - contest.unreturned_ballots,
        BallotsRejected=contest.invalid_ballots,
    )


def nist_report(
    results: ElectionResults,
    *,
    polling_day: date,
    parties: dict[int, tuple[str, str | None]],
    areas: dict[int, list[str]],
    voters: Voters,
    generated_at: datetime,
) -> dict[str, Any]:
    scope_id = f"gpu-election-{results.election_id}"
    everywhere = voters.municipalities()
    gp_units: dict[str, dict[str, Any]] = {
        scope_id: _unit(scope_id, results.name, **_voter_fields(voters, everywhere))
    }
    if voters.overseas_registered or voters.overseas_participated:
        # The overseas roll's line (在外): already within the figures above, given apart as well.
        overseas_id = f"{scope_id}-overseas"
        gp_units[overseas_id] = _unit(
            overseas_id,
            f"{results.name} 在外選挙人名簿",
            OtherType="overseas-roll",
            **_voter_fields(voters, everywhere, overseas_only=True),
        )
    contests: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    ballots: list[dict[str, Any]] = []
    for contest in results.contests:
        codes = areas.get(contest.contest_id, [])
        district_id = f"gpu-contest-{contest.contest_id}"
        gp_units[district_id] = _unit(
            district_id, contest.name, ComposingGpUnitIds=[f"gpu-lg-{code}" for code in codes]
        )
        gp_units.update(_area_units(codes, voters))
        district_units, per_district = _counting_districts(contest)
        gp_units.update(district_units)
        done = contest.status != ResultStatus.UNOFFICIAL_PARTIAL
        candidates += [_candidate(candidate, contest, done) for candidate in contest.candidates]
        contests.append(_contest(contest, district_id, _selections(contest, district_id, per_district), done))
        ballots.append(_ballots(contest, district_id))
    versions = {c.contest_id: c.version for c in results.contests if c.version is not None}
    return _typed(
        "ElectionReport",
        Format="summary-contest",
        # The schema's DateTimeWithZone has whole seconds.
        GeneratedDate=to_rfc3339(generated_at.replace(microsecond=0)),
        Issuer=ISSUER,
        IssuerAbbreviation=ISSUER_ABBREVIATION,
        SequenceStart=1,
        SequenceEnd=1,
        Status=nist_status(results),
        VendorApplicationId=VENDOR,
        **({"Notes": _versions_note(versions)} if versions else {}),
        Election=[
            _typed(
                "Election",
                ExternalIdentifier=[_other_id("jichi-election-id", str(results.election_id))],
                Name=_text(results.name),
                StartDate=polling_day.isoformat(),
                EndDate=polling_day.isoformat(),
                Type="general",
                ElectionScopeId=scope_id,
                BallotCounts=ballots,
                Candidate=candidates,
                Contest=contests,
            )
        ],
        Party=[
            _typed(
                "Party",
                **{"@id": f"par-{pid}"},
                Name=_text(name),
                **({"Abbreviation": _text(abbr)} if abbr else {}),
            )
            for pid, (name, abbr) in sorted(parties.items())
        ],
        GpUnit=list(gp_units.values()),
    )


def _versions_note(versions: dict[int, int]) -> str:
    return "result versions: " + ", ".join(f"contest {c} v{v}" for c, v in sorted(versions.items()))


CSV_HEADER = [
    "contest_id",
    "contest",
    "kind",
    "status",
    "version",
    "selection",
    "selection_id",
    "name",
    "party_id",
    "votes",
    "elected",
    "seats",
]


def results_csv(results: ElectionResults) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for c in results.contests:
        base = [c.contest_id, c.name, c.kind.value, c.status.value, "" if c.version is None else c.version]
        for p in c.parties:
            writer.writerow([*base, "party", p.party_id, p.name, "", format(p.votes, "f"), "", p.seats])
        for k in c.candidates:
            party = "" if k.party_id is None else k.party_id
            writer.writerow(
                [
                    *base,
                    "candidate",
                    k.candidate_id,
                    k.name,
                    party,
                    format(k.votes, "f"),
                    str(k.elected).lower(),
                    "",
                ]
            )
    return out.getvalue()
