"""Pure rules of a tally sheet: normal form of an entry, comparing clerks' entries, reconciliation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.contracts.elections import SheetStatus, TallyEntryIn

BALLOT_FIELDS = ("ballots_issued", "invalid_ballots", "blank_ballots", "unreturned_ballots")


def ambiguous_key(candidate_ids: Sequence[int], party_ids: Sequence[int] = ()) -> str:
    """Candidates as bare ids (the form stored before parties could be named), parties as 'p<id>'."""
    return ",".join([str(i) for i in sorted(candidate_ids)] + [f"p{i}" for i in sorted(party_ids)])


def ambiguous_selections(key: str) -> tuple[list[int], list[int]]:
    """The candidate ids and party ids an ambiguous key names (the inverse of `ambiguous_key`)."""
    tokens = key.split(",")
    return (
        [int(t) for t in tokens if not t.startswith("p")],
        [int(t[1:]) for t in tokens if t.startswith("p")],
    )


def normal_form(entry: TallyEntryIn) -> dict[str, Any]:
    """The entry as flat comparable fields; zero counts are left out so 'absent' equals '0'."""
    fields: dict[str, Any] = {}
    for selection in entry.votes:
        key = (
            f"candidate:{selection.candidate_id}" if selection.candidate_id else f"party:{selection.party_id}"
        )
        if selection.votes:
            fields[f"votes.{key}"] = format(selection.votes, "f")
    for group in entry.ambiguous:
        if group.ballots:
            key = f"ambiguous.{ambiguous_key(group.candidate_ids, group.party_ids)}"
            fields[key] = fields.get(key, 0) + group.ballots
    for name in BALLOT_FIELDS:
        fields[name] = getattr(entry, name)
    return fields


def differences(entries: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every field on which the clerks' entries differ, with what each clerk entered."""
    names = sorted({name for fields in entries.values() for name in fields})
    result = []
    for name in names:
        values = {
            clerk: fields.get(name, "0" if name.startswith("votes.") else 0)
            for clerk, fields in entries.items()
        }
        if len({str(v) for v in values.values()}) > 1:
            result.append({"field": name, "values": values})
    return result


def valid_votes(fields: Mapping[str, Any]) -> Decimal:
    total = Decimal(0)
    for name, value in fields.items():
        if name.startswith(("votes.", "ambiguous.")):
            total += Decimal(str(value))
    return total


def reconciliation_problem(fields: Mapping[str, Any]) -> str | None:
    """issued = valid + invalid + unreturned, or what is wrong."""
    valid = valid_votes(fields)
    accounted = valid + fields["invalid_ballots"] + fields["unreturned_ballots"]
    if accounted != fields["ballots_issued"]:
        return (
            f"ballots issued ({fields['ballots_issued']}) ≠ valid ({valid})"
            f" + invalid ({fields['invalid_ballots']})"
            f" + unreturned ({fields['unreturned_ballots']}) = {accounted}"
        )
    return None


@dataclass(frozen=True, slots=True)
class SheetState:
    status: SheetStatus
    differences: list[dict[str, Any]]
    problems: list[dict[str, str]]
    agreed: dict[str, Any] | None


def assess(entries: Mapping[str, Mapping[str, Any]]) -> SheetState:
    """A sheet counts only when at least two different clerks entered it identically and it reconciles."""
    if len(entries) < 2:
        return SheetState(SheetStatus.AWAITING_SECOND_ENTRY, [], [], None)
    diffs = differences(entries)
    if diffs:
        return SheetState(SheetStatus.DISPUTED, diffs, [], None)
    agreed = dict(next(iter(entries.values())))
    problem = reconciliation_problem(agreed)
    if problem is not None:
        mismatch = {"type": "urn:jichi:problem:reconciliation-mismatch", "detail": problem}
        return SheetState(SheetStatus.UNRECONCILED, [], [mismatch], None)
    return SheetState(SheetStatus.COUNTED, [], [], agreed)
