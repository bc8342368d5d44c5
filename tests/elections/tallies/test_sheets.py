"""Double entry and reconciliation, pure."""

from __future__ import annotations

from typing import Any

import pytest

from services.elections.tallies.sheets import ambiguous_key, ambiguous_selections, assess, normal_form
from shared.contracts.elections import SheetStatus, TallyEntryIn

BASE: dict[str, Any] = {
    "station_id": 1,
    "votes": [{"candidate_id": 1, "votes": "300"}, {"candidate_id": 2, "votes": "100"}],
    "ambiguous": [{"candidate_ids": [2, 1], "ballots": 10}],
    "ballots_issued": 425,
    "invalid_ballots": 12,
    "blank_ballots": 5,
    "unreturned_ballots": 3,
}


def fields(**change: Any) -> dict[str, Any]:
    return normal_form(TallyEntryIn.model_validate({**BASE, **change}))


def test_one_entry_waits_for_the_second() -> None:
    assert assess({"a": fields()}).status == SheetStatus.AWAITING_SECOND_ENTRY


def test_agreeing_entries_count() -> None:
    state = assess({"a": fields(), "b": fields()})
    assert state.status == SheetStatus.COUNTED
    assert state.agreed is not None
    assert state.agreed["ambiguous.1,2"] == 10


def test_zero_and_absent_are_the_same() -> None:
    with_zero = fields(votes=[*BASE["votes"], {"candidate_id": 3, "votes": "0"}])
    assert assess({"a": fields(), "b": with_zero}).status == SheetStatus.COUNTED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"votes": [{"candidate_id": 1, "votes": "301"}, {"candidate_id": 2, "votes": "100"}]},
            "votes.candidate:1",
        ),
        ({"invalid_ballots": 13}, "invalid_ballots"),
        ({"ambiguous": []}, "ambiguous.1,2"),
        ({"votes": [{"candidate_id": 1, "votes": "300"}]}, "votes.candidate:2"),
    ],
)
def test_disagreement_lists_the_differences(change: dict[str, Any], field: str) -> None:
    state = assess({"a": fields(), "b": fields(**change)})
    assert state.status == SheetStatus.DISPUTED
    assert [d["field"] for d in state.differences] == [field]
    assert set(state.differences[0]["values"]) == {"a", "b"}


def test_reconciliation_mismatch_is_a_problem_on_the_sheet() -> None:
    state = assess({"a": fields(ballots_issued=426), "b": fields(ballots_issued=426)})
    assert state.status == SheetStatus.UNRECONCILED
    assert state.problems[0]["type"] == "urn:jichi:problem:reconciliation-mismatch"
    assert "426" in state.problems[0]["detail"]


def test_ambiguous_keys_keep_bare_candidate_ids_and_mark_parties() -> None:
    assert ambiguous_key([2, 1]) == "1,2"
    assert ambiguous_key([7], [4, 3]) == "7,p3,p4"
    assert ambiguous_selections("7,p3,p4") == ([7], [3, 4])
    assert ambiguous_selections("1,2") == ([1, 2], [])
