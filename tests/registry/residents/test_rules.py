"""The rules of life events, table-driven (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from services.registry.residents import rules
from shared.contracts.registry import CorrectionRequest, LifeEventRequest
from shared.web.problems import Problem

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
LIMITS = rules.DateLimits(today=date(2026, 11, 27), move_out_advance_days=14)
EVENTS: TypeAdapter[Any] = TypeAdapter(LifeEventRequest)


def state(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "family_name": "山田", "given_name": "太郎",
        "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
        "former_family_name": None, "alias": None, "name_key": "山田太郎", "kana_key": "ヤマダタロウ",
        "date_of_birth": date(1990, 4, 1), "sex": "male", "nationality": "JP", "status_of_residence": None,
        "period_of_stay_until": None, "local_government_code": "131016", "address": "千代田1-1",
        "address_key": "千代田1-1", "address_since": date(1990, 4, 1), "address_reason": "birth",
        "from_abroad": False, "household_id": "H000000000001", "household_head_code": "12345678903",
        "relationship": "世帯主", "status": "active", "status_since": date(1990, 4, 1), "event_type": "birth",
        "valid_from": date(2010, 1, 1), "recorded_at": datetime(2010, 1, 1, tzinfo=UTC),
    }  # fmt: skip
    base.update(overrides)
    return base


ADDRESS = {"local_government_code": "131016", "address_lines": ["千代田2-2"]}
OTHER = {"local_government_code": "011011", "address_lines": ["大通西1"]}


@pytest.mark.parametrize(
    ("current", "event", "slug"),
    [
        ({}, {"type": "move_out", "effective_date": "2026-12-11"}, None),
        ({}, {"type": "move_out", "effective_date": "2026-12-12"}, "event-date-in-future"),
        (
            {},
            {"type": "move_within", "effective_date": "2026-11-28", "address": ADDRESS},
            "event-date-in-future",
        ),
        ({}, {"type": "move_within", "effective_date": "2026-11-27", "address": ADDRESS}, None),
        (
            {},
            {"type": "move_within", "effective_date": "2020-01-01", "address": OTHER},
            "not-same-municipality",
        ),
        ({}, {"type": "death", "effective_date": "1989-01-01"}, "event-before-birth"),
        ({}, {"type": "death", "effective_date": "2009-12-31"}, "event-out-of-order"),
        ({}, {"type": "move_in", "effective_date": "2020-01-01", "address": OTHER}, "resident-not-moved-out"),
        (
            {"status": "moved_out"},
            {"type": "move_in", "effective_date": "2020-01-01", "address": OTHER},
            None,
        ),
        (
            {"status": "moved_out"},
            {"type": "move_within", "effective_date": "2020-01-01", "address": ADDRESS},
            "resident-not-active",
        ),
        ({"status": "moved_out"}, {"type": "death", "effective_date": "2020-01-01"}, None),
        (
            {"status": "moved_out"},
            {"type": "name_change", "effective_date": "2020-01-01", "alias": "ヤマ"},
            "resident-not-active",
        ),
        ({"status": "deceased"}, {"type": "death", "effective_date": "2020-01-01"}, "resident-deceased"),
        (
            {"status": "deceased"},
            {
                "type": "correction",
                "effective_date": "2020-01-01",
                "reason": "誤記",
                "items": {"sex": "female"},
            },
            None,
        ),
        (
            {},
            {
                "type": "correction",
                "effective_date": "1995-01-01",
                "reason": "誤記",
                "items": {"sex": "female"},
            },
            None,
        ),
        (
            {},
            {
                "type": "correction",
                "effective_date": "1990-01-01",
                "reason": "誤記",
                "items": {"sex": "female"},
            },
            "event-before-birth",
        ),
        (
            {},
            {
                "type": "correction",
                "effective_date": "2000-01-01",
                "reason": "誤記",
                "items": {"date_of_birth": "2011-01-01"},
            },
            "event-before-birth",
        ),
        (
            {},
            {"type": "nationality_change", "effective_date": "2020-01-01", "nationality": "US"},
            "foreign-resident-status-required",
        ),
        (
            {},
            {
                "type": "nationality_change",
                "effective_date": "2020-01-01",
                "nationality": "JP",
                "foreign_resident": {"status_of_residence": "永住者"},
            },
            "foreign-resident-status-not-applicable",
        ),
    ],
)
def test_check_event(current: dict[str, Any], event: dict[str, Any], slug: str | None) -> None:
    request = EVENTS.validate_python(event)
    record = state(**current)
    if slug is None:
        rules.check_event(record, request, LIMITS, registered_since=date(1990, 4, 1))
        return
    with pytest.raises(Problem) as raised:
        rules.check_event(record, request, LIMITS, registered_since=date(1990, 4, 1))
    assert raised.value.problem_slug == slug


@pytest.mark.parametrize(
    ("event_type", "effective", "birth", "slug"),
    [
        ("birth", date(2020, 1, 1), date(2020, 1, 1), None),
        ("birth", date(2020, 1, 2), date(2020, 1, 1), "birth-date-mismatch"),
        ("move_in", date(2019, 12, 31), date(2020, 1, 1), "event-before-birth"),
        ("move_in", date(2027, 1, 1), date(2020, 1, 1), "event-date-in-future"),
    ],
)
def test_check_registration(event_type: str, effective: date, birth: date, slug: str | None) -> None:
    if slug is None:
        rules.check_registration(event_type, effective, birth, LIMITS)
        return
    with pytest.raises(Problem) as raised:
        rules.check_registration(event_type, effective, birth, LIMITS)
    assert raised.value.problem_slug == slug


def test_apply_move_in_sets_address_status_and_household() -> None:
    event = EVENTS.validate_python(
        {"type": "move_in", "effective_date": "2020-01-01", "address": OTHER, "from_abroad": True}
    )
    household = rules.HouseholdChoice("H000000000009", "12345678903", "世帯主")
    new = rules.apply_event(state(status="moved_out"), event, recorded_at=NOW, household=household)
    assert (new["status"], new["local_government_code"], new["address"], new["from_abroad"]) == (
        "active",
        "011011",
        "大通西1",
        True,
    )
    assert (new["valid_from"], new["address_since"], new["household_id"]) == (
        date(2020, 1, 1),
        date(2020, 1, 1),
        "H000000000009",
    )


def test_apply_name_change_refreshes_the_matching_keys() -> None:
    event = EVENTS.validate_python(
        {
            "type": "name_change",
            "effective_date": "2020-01-01",
            "family_name": "髙橋",
            "family_name_kana": "タカハシ",
            "former_family_name": "山田",
        }
    )
    new = rules.apply_event(state(), event, recorded_at=NOW)
    assert (new["name_key"], new["kana_key"], new["former_family_name"]) == (
        "高橋太郎",
        "タカハシタロウ",
        "山田",
    )


@pytest.mark.parametrize(("effective", "rows"), [(date(2010, 1, 1), 1), (date(2015, 1, 1), 2)])
def test_supersede_keeps_the_old_belief(effective: date, rows: int) -> None:
    result = rules.supersede(state(), effective=effective, recorded_at=NOW)
    assert len(result) == rows
    assert result[0]["superseded_at"] == NOW
    assert result[0]["valid_to"] is None
    if rows == 2:
        assert (result[1]["valid_to"], result[1]["recorded_at"], result[1]["superseded_at"]) == (
            effective,
            NOW,
            None,
        )


def test_correct_overlays_only_unchanged_items() -> None:
    past = {
        **state(valid_from=date(1990, 4, 1), address="一番地"),
        "valid_to": date(2010, 1, 1),
        "version_id": 7,
    }
    current = state(address="二番地", address_since=date(2010, 1, 1))
    event = CorrectionRequest.model_validate(
        {
            "type": "correction",
            "effective_date": "2000-01-01",
            "reason": "誤記",
            "items": {
                "given_name": "太朗",
                "address": {"local_government_code": "131016", "address_lines": ["正一番地"]},
            },
        }
    )
    result = rules.correct([past], current, event, recorded_at=NOW)
    assert result.superseded_version_ids == [7]
    assert result.corrected_items == ["address", "given_name"]
    assert (result.current["given_name"], result.current["address"]) == ("太朗", "二番地")
    believed = sorted(
        (row for row in result.new_versions if row["superseded_at"] is None),
        key=lambda row: row["valid_from"],
    )
    assert [(row["valid_from"], row["valid_to"], row["address"], row["given_name"]) for row in believed] == [
        (date(1990, 4, 1), date(2000, 1, 1), "一番地", "太郎"),
        (date(2000, 1, 1), date(2010, 1, 1), "正一番地", "太朗"),
    ]
    assert believed[1]["address_reason"] == "correction"


def test_correct_cannot_remove_required_items() -> None:
    event = CorrectionRequest.model_validate(
        {"type": "correction", "effective_date": "2000-01-01", "reason": "x", "items": {"family_name": None}}
    )
    with pytest.raises(Problem):
        rules.correct([], state(), event, recorded_at=NOW)
