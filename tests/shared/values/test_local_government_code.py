import csv
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values.local_government_code import (
    LocalGovernmentCode,
    is_prefecture_code,
    is_valid_local_government_code,
    local_government_check_digit,
    prefecture_code_of,
)

ADAPTER: TypeAdapter[str] = TypeAdapter(LocalGovernmentCode)
# The ministry's list as shipped with the registry service (seed data of its code master).
CODES_CSV = (
    Path(__file__).resolve().parents[3] / "services" / "registry" / "data" / "local_government_codes.csv"
)


def _remainder(first_five: str) -> int:
    return sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True)) % 11


def _csv_rows() -> list[dict[str, str]]:
    if not CODES_CSV.is_file():
        pytest.fail(f"reference list not found at {CODES_CSV} ")
    with CODES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("first_five", "expected"),
    [
        ("13101", 6),  # Chiyoda ward
        ("01100", 2),  # Sapporo
        ("13000", 1),  # Tokyo prefecture
        ("27100", 4),  # Osaka city
    ],
)
def test_check_digit(first_five: str, expected: int) -> None:
    assert local_government_check_digit(first_five) == expected


@pytest.mark.parametrize(
    ("first_five", "remainder", "expected"),
    [
        ("11000", 0, 1),  # Saitama prefecture 110001: 11 - 0 = 11, last digit 1
        ("01003", 0, 1),
        ("20000", 1, 0),  # Nagano prefecture 200000: 11 - 1 = 10, last digit 0
        ("01009", 1, 0),
    ],
)
def test_check_digit_at_remainder_zero_and_one(first_five: str, remainder: int, expected: int) -> None:
    assert _remainder(first_five) == remainder
    assert local_government_check_digit(first_five) == expected


@pytest.mark.parametrize("first_five", ["1310", "131016", "1310a", "１３１０１", ""])
def test_check_digit_requires_five_ascii_digits(first_five: str) -> None:
    with pytest.raises(ValueError, match="5 ASCII digits"):
        local_government_check_digit(first_five)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("131016", True),
        ("011002", True),
        ("130001", True),
        ("110001", True),
        ("200000", True),
        ("131017", False),
        ("131010", False),
        ("13101", False),
        ("1310160", False),
        ("13101A", False),
        ("１３１０１６", False),  # the pure function takes ASCII; the pydantic type normalises
        ("", False),
        ("000001", False),  # check digit right, but there is no prefecture 00
        ("480002", False),  # check digit right, but there is no prefecture 48
    ],
)
def test_is_valid(code: str, valid: bool) -> None:
    assert is_valid_local_government_code(code) is valid


@pytest.mark.parametrize(
    ("code", "prefecture"),
    [("131016", "13"), ("011002", "01"), ("130001", "13"), ("472018", "47")],
)
def test_prefecture_code_of(code: str, prefecture: str) -> None:
    assert prefecture_code_of(code) == prefecture


@pytest.mark.parametrize("code", ["131017", "13101", "abcdef"])
def test_prefecture_code_of_rejects_invalid_codes(code: str) -> None:
    with pytest.raises(ValueError, match="not a valid local-government code"):
        prefecture_code_of(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("130001", True), ("010006", True), ("131016", False), ("011002", False), ("130002", False)],
)
def test_is_prefecture_code(code: str, expected: bool) -> None:
    assert is_prefecture_code(code) is expected


def test_every_code_of_the_ministry_list_is_valid() -> None:
    rows = _csv_rows()
    assert len(rows) == 1969
    invalid = [row["code"] for row in rows if not is_valid_local_government_code(row["code"])]
    assert invalid == []
    assert [ADAPTER.validate_python(row["code"]) for row in rows] == [row["code"] for row in rows]


def test_prefecture_code_of_matches_the_ministry_list() -> None:
    rows = _csv_rows()
    prefectures = {row["prefecture"]: row["code"][:2] for row in rows if row["kind"] == "prefecture"}
    assert len(prefectures) == 47
    for row in rows:
        assert prefecture_code_of(row["code"]) == prefectures[row["prefecture"]], row["code"]
        assert is_prefecture_code(row["code"]) is (row["kind"] == "prefecture"), row["code"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("131016", "131016"),
        ("１３１０１６", "131016"),  # full-width digits
        ("１3１0１6", "131016"),  # mixed widths
        ("011002", "011002"),
    ],
)
def test_pydantic_type_normalises(raw: str, expected: str) -> None:
    assert ADAPTER.validate_python(raw) == expected
    assert ADAPTER.validate_json(f'"{raw}"') == expected


@pytest.mark.parametrize(
    ("raw", "error_type", "message"),
    [
        (
            "131017",
            "local_government_code_check_digit",
            "check digit of local-government code 131017 should be 6",
        ),
        (
            "１３１０１７",
            "local_government_code_check_digit",
            "check digit of local-government code 131017 should be 6",
        ),
        ("13101", "local_government_code_length", "local-government code must have 6 digits, got 5"),
        ("1310160", "local_government_code_length", "local-government code must have 6 digits, got 7"),
        ("", "local_government_code_length", "local-government code must have 6 digits, got 0"),
        ("13101A", "local_government_code_not_digits", "character 6 is not a digit"),
        ("13 101", "local_government_code_not_digits", "character 3 is not a digit"),
        ("13-1016", "local_government_code_not_digits", "character 3 is not a digit"),
        ("١٣١٠١٦", "local_government_code_not_digits", "character 1 is not a digit"),  # Arabic-Indic
        (131016, "local_government_code_type", "local-government code must be a string of 6 digits"),
        (None, "local_government_code_type", "local-government code must be a string of 6 digits"),
        ("480002", "local_government_code_prefecture", "starts with 48, which is not a prefecture code"),
    ],
)
def test_pydantic_errors(raw: Any, error_type: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    assert message in error["msg"]


def test_model_field_reports_location() -> None:
    class Body(BaseModel):
        municipality_code: LocalGovernmentCode

    assert Body(municipality_code="１３１０１６").municipality_code == "131016"
    with pytest.raises(ValidationError) as caught:
        Body.model_validate_json('{"municipality_code": "131017"}')
    (error,) = caught.value.errors()
    assert error["loc"] == ("municipality_code",)
    assert error["type"] == "local_government_code_check_digit"


def test_json_schema() -> None:
    schema = ADAPTER.json_schema()
    assert schema["type"] == "string"
    assert schema["pattern"] == "^[0-9]{6}$"
    assert schema["minLength"] == 6
    assert schema["maxLength"] == 6
    assert "JIS X 0402" in schema["description"]
    assert schema["examples"] == ["131016"]
    assert all(is_valid_local_government_code(example) for example in schema["examples"])


def test_a_repeated_code_gets_the_same_verdict_each_time() -> None:
    """Valid strings' verdicts are kept; a refusal is given again, not remembered as valid, and a
    value that is not a string (unhashable, even) is still judged."""
    for _ in range(3):
        assert ADAPTER.validate_python("１３１０１６") == "131016"
        with pytest.raises(ValidationError):
            ADAPTER.validate_python("131017")
        with pytest.raises(ValidationError):
            ADAPTER.validate_python(["131016"])
