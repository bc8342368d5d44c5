"""Results as NIST SP 1500-100 (v2) Election Results Reporting JSON, and as CSV. Pure."""

from __future__ import annotations

import csv
import io
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


def _text(value: str) -> dict[str, Any]:
    return {
        "@type": "InternationalizedText",
        "Text": [{"@type": "LanguageString", "Language": "ja", "Content": value}],
    }


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


def _unit(unit_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"@type": "ReportingUnit", "@id": unit_id, "Type": "other", "Name": _text(name), **fields}


def _total(count: Decimal, unit_id: str) -> dict[str, Any]:
    return {"@type": "VoteCounts", "Count": _count(count), "GpUnitId": unit_id, "Type": "total"}


def _area_units(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The prefectures and municipalities a contest's district is made of (JIS X 0402 codes)."""
    return {
        f"gpu-lg-{code}": {
            "@type": "ReportingUnit",
            "@id": f"gpu-lg-{code}",
            "Type": "state" if code[2:5] == "000" else "municipality",
            "Name": _text(code),
            "ExternalIdentifier": [
                {"@type": "ExternalIdentifier", "Type": "other", "OtherType": "jis-x-0402", "Value": code}
            ],
        }
        for code in codes
    }


def _counting_districts(
    contest: ContestResult,
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, int], list[dict[str, Any]]]]:
    """The contest's counting districts as reporting units, and each selection's count in each."""
    units: dict[str, dict[str, Any]] = {}
    per_district: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for district in contest.by_counting_district:
        unit_id = f"gpu-cd-{district.counting_district_id}"
        units[unit_id] = _unit(unit_id, district.name, OtherType="counting-district", IsReportingUnit=True)
        for item in district.counts:
            key = (
                ("candidate", item.candidate_id)
                if item.candidate_id is not None
                else ("party", item.party_id or 0)
            )
            per_district.setdefault(key, []).append(_total(item.votes, unit_id))
    return units, per_district


def _candidate(candidate: CandidateResult, contest: ContestResult, done: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "@type": "Candidate",
        "@id": f"can-{candidate.candidate_id}",
        "BallotName": _text(candidate.name),
    }
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
            {
                "@type": "CandidateSelection",
                "@id": f"cs-{contest.contest_id}-{candidate.candidate_id}",
                "CandidateIds": [f"can-{candidate.candidate_id}"],
                "VoteCounts": [
                    _total(candidate.votes, district_id),
                    *per_district.get(("candidate", candidate.candidate_id), []),
                ],
            }
            for candidate in contest.candidates
        ]
    selections += [
        {
            "@type": "PartySelection",
            "@id": f"ps-{contest.contest_id}-{party.party_id}",
            "PartyIds": [f"par-{party.party_id}"],
            "VoteCounts": [
                _total(party.votes, district_id),
                *per_district.get(("party", party.party_id), []),
            ],
        }
        for party in contest.parties
    ]
    return selections


def _contest(
    contest: ContestResult, district_id: str, selections: list[dict[str, Any]], done: bool
) -> dict[str, Any]:
    return {
        "@type": "PartyContest" if contest.kind.is_proportional else "CandidateContest",
        "@id": f"con-{contest.contest_id}",
        "Name": contest.name,
        "ElectionDistrictId": district_id,
        "NumberElected": contest.seats,
        "VotesAllowed": 1,
        "SubUnitsReported": contest.counting_districts_reported,
        "TotalSubUnits": contest.counting_districts_total,
        "CountStatus": [
            {"@type": "CountStatus", "Status": "completed" if done else "in-process", "Type": "total"}
        ],
        "ContestSelection": selections,
    }


def nist_report(
    results: ElectionResults,
    *,
    polling_day: date,
    parties: dict[int, tuple[str, str | None]],
    areas: dict[int, list[str]],
    generated_at: datetime,
) -> dict[str, Any]:
    scope_id = f"gpu-election-{results.election_id}"
    gp_units: dict[str, dict[str, Any]] = {scope_id: _unit(scope_id, results.name)}
    contests: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    for contest in results.contests:
        codes = areas.get(contest.contest_id, [])
        district_id = f"gpu-contest-{contest.contest_id}"
        gp_units[district_id] = _unit(
            district_id, contest.name, ComposingGpUnitIds=[f"gpu-lg-{code}" for code in codes]
        )
        gp_units.update(_area_units(codes))
        district_units, per_district = _counting_districts(contest)
        gp_units.update(district_units)
        done = contest.status != ResultStatus.UNOFFICIAL_PARTIAL
        candidates += [_candidate(candidate, contest, done) for candidate in contest.candidates]
        contests.append(_contest(contest, district_id, _selections(contest, district_id, per_district), done))
    return {
        "@type": "ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": to_rfc3339(generated_at),
        "Issuer": ISSUER,
        "IssuerAbbreviation": ISSUER_ABBREVIATION,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": report_status(results).value,
        "VendorApplicationId": VENDOR,
        "Election": [
            {
                "@type": "Election",
                "@id": f"ele-{results.election_id}",
                "Name": _text(results.name),
                "StartDate": polling_day.isoformat(),
                "EndDate": polling_day.isoformat(),
                "Type": "general",
                "ElectionScopeId": scope_id,
                "Candidate": candidates,
                "Contest": contests,
            }
        ],
        "Party": [
            {
                "@type": "Party",
                "@id": f"par-{pid}",
                "Name": _text(name),
                **({"Abbreviation": abbr} if abbr else {}),
            }
            for pid, (name, abbr) in sorted(parties.items())
        ],
        "GpUnit": list(gp_units.values()),
    }


CSV_HEADER = [
    "contest_id",
    "contest",
    "kind",
    "status",
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
        base = [c.contest_id, c.name, c.kind.value, c.status.value]
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
