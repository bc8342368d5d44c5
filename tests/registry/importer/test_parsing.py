"""One import line at a time (no database): what is accepted, what is refused and why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from random import Random
from typing import Any

import pytest

from services.registry.importer.parsing import RESIDENT_COLUMNS, VERSION_COLUMNS, Context, LineError, prepare
from services.registry.residents.identity import IdentityCipher

CONTEXT = Context(
    residence_codes=frozenset({"131016", "011011"}),
    today=date(2026, 11, 27),
    recorded_at=datetime(2026, 11, 27, tzinfo=UTC),
    cipher=IdentityCipher("test"),
)


def line(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resident_code": "12345678903", "family_name": "山田", "given_name": "太郎",
        "family_name_kana": "やまだ", "given_name_kana": "ﾀﾛｳ", "date_of_birth": "1990-04-01", "sex": "male",
        "local_government_code": "131016", "address_lines": ["千代田1-1"], "address_since_date": "2000-01-01",
    }  # fmt: skip
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def test_a_good_line() -> None:
    prepared = prepare(line(individual_number="123456789018"), CONTEXT, Random(1))
    resident = dict(zip(RESIDENT_COLUMNS, prepared.resident, strict=True))
    assert (resident["family_name_kana"], resident["given_name_kana"]) == ("ヤマダ", "タロウ")
    assert resident["individual_number_hash"] == CONTEXT.cipher.lookup_hash("123456789018")
    assert CONTEXT.cipher.decrypt(resident["individual_number_ciphertext"]) == "123456789018"
    assert resident["event_type"] == "move_in"
    assert resident["status"] == "active"


def test_history_and_status_become_past_states() -> None:
    history = [
        {
            "local_government_code": "011011",
            "address_lines": ["大通"],
            "from_date": "1990-04-01",
            "to_date": "1999-12-31",
            "reason": "birth",
        }
    ]
    prepared = prepare(
        line(residence_history=history, status="deceased", status_since_date="2020-01-01"), CONTEXT, Random(1)
    )
    versions = [dict(zip(VERSION_COLUMNS, row, strict=True)) for row in prepared.versions]
    assert [(v["local_government_code"], v["valid_from"], v["valid_to"]) for v in versions] == [
        ("011011", date(1990, 4, 1), date(1999, 12, 31)),
        ("131016", date(2000, 1, 1), date(2020, 1, 1)),
    ]
    resident = dict(zip(RESIDENT_COLUMNS, prepared.resident, strict=True))
    assert (resident["status"], resident["valid_from"], resident["event_type"]) == (
        "deceased",
        date(2020, 1, 1),
        "death",
    )


def test_a_missing_code_is_issued() -> None:
    prepared = prepare(line(resident_code=None), CONTEXT, Random(1))
    assert len(prepared.resident_code) == 11


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"resident_code": "12345678904"}, "resident_code"),
        ({"family_name": ""}, "family_name"),
        ({"family_name": "山\x00田"}, "family_name"),
        ({"given_name_kana": "taro"}, "given_name_kana"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth"),
        ({"sex": "m"}, "sex"),
        ({"nationality": "Japan"}, "nationality"),
        ({"nationality": "VN"}, "status_of_residence"),
        ({"status_of_residence": "永住者"}, "status_of_residence"),
        ({"individual_number": "123456789019"}, "individual_number"),
        ({"local_government_code": "011002"}, "local_government_code"),
        ({"local_government_code": 131016}, "local_government_code"),
        ({"address_lines": []}, "address_lines"),
        ({"address_lines": ["a", "b", "c", "d"]}, "address_lines"),
        ({"address_since_date": "1980-01-01"}, "address_since_date"),
        ({"household_id": "X1"}, "household_id"),
        ({"household_head_code": "1"}, "household_head_code"),
        ({"status": "missing"}, "status"),
        (
            {
                "residence_history": [
                    {
                        "local_government_code": "011011",
                        "address_lines": ["x"],
                        "from_date": "2001-01-01",
                        "to_date": "2002-01-01",
                    }
                ]
            },
            "residence_history/0",
        ),
        ({"residence_history": "somewhere"}, "residence_history"),
    ],
)
def test_bad_lines_name_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(LineError) as raised:
        prepare(line(**overrides), CONTEXT, Random(1))
    assert raised.value.field == field


def test_a_remembered_value_is_judged_the_same_again() -> None:
    context = Context(CONTEXT.residence_codes, CONTEXT.today, CONTEXT.recorded_at, CONTEXT.cipher)
    for _ in range(2):
        with pytest.raises(LineError) as raised:
            prepare(line(given_name="太\x00郎"), context, Random(1))
        assert (raised.value.field, raised.value.message) == (
            "given_name",
            "must not contain control characters",
        )
        with pytest.raises(LineError) as raised:
            prepare(line(relationship="太\x00郎"), context, Random(1))
        assert raised.value.field == "relationship"
        fresh = Context(CONTEXT.residence_codes, CONTEXT.today, CONTEXT.recorded_at, CONTEXT.cipher)
        assert prepare(line(), context, Random(1)).resident == prepare(line(), fresh, Random(1)).resident
