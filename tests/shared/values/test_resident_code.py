import random
from dataclasses import dataclass
from typing import Annotated, Any

import pytest
from pydantic import BeforeValidator, TypeAdapter, ValidationError

from shared.values.individual_number import individual_number_check_digit
from shared.values.resident_code import (
    DEFAULT_RESIDENT_CODE_SCHEME,
    ResidentCode,
    ResidentCodeScheme,
    WeightedMod11ResidentCodeScheme,
    is_valid_resident_code,
    issue_resident_code,
    mask_resident_code,
    resident_code_check_digit,
    resident_code_validator,
)

ADAPTER: TypeAdapter[str] = TypeAdapter(ResidentCode)
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _remainder(first_ten: str) -> int:
    return sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True)) % 11


@dataclass(frozen=True)
class LastDigitScheme:
    """A stand-in for another rule: the check digit repeats the tenth digit."""

    def check_digit(self, first_ten: str) -> int:
        return int(first_ten[-1])


@pytest.mark.parametrize(
    ("first_ten", "remainder", "expected"),
    [
        ("1234567890", 8, 3),
        ("0000000000", 0, 0),
        ("8457753388", 0, 0),
        ("1739126158", 1, 0),
        ("6147411676", 2, 9),
        ("6459531283", 10, 1),
    ],
)
def test_check_digit(first_ten: str, remainder: int, expected: int) -> None:
    assert _remainder(first_ten) == remainder
    assert resident_code_check_digit(first_ten) == expected
    assert DEFAULT_RESIDENT_CODE_SCHEME.check_digit(first_ten) == expected


def test_check_digit_equals_individual_number_rule_with_a_leading_zero() -> None:
    rng = random.Random(20260401)
    for _ in range(500):
        first_ten = "".join(str(rng.randrange(10)) for _ in range(10))
        assert resident_code_check_digit(first_ten) == individual_number_check_digit("0" + first_ten)


@pytest.mark.parametrize("first_ten", ["123456789", "12345678901", "123456789a", "１２３４５６７８９０"])
def test_check_digit_requires_ten_ascii_digits(first_ten: str) -> None:
    with pytest.raises(ValueError, match="10 ASCII digits"):
        resident_code_check_digit(first_ten)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("12345678903", True),
        ("84577533880", True),
        ("17391261580", True),
        ("12345678904", False),
        ("1234567890", False),
        ("123456789033", False),
        ("1234567890A", False),
        ("１２３４５６７８９０３", False),
        ("", False),
    ],
)
def test_is_valid(code: str, valid: bool) -> None:
    assert is_valid_resident_code(code) is valid


def test_issue_with_a_seeded_generator_is_reproducible_and_valid() -> None:
    first = [issue_resident_code(random.Random(7)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(42)
    codes = [issue_resident_code(rng) for _ in range(1000)]
    assert all(len(code) == 11 and code.isdigit() and is_valid_resident_code(code) for code in codes)
    assert len(set(codes)) == 1000


def test_issue_without_a_generator_uses_the_system_source() -> None:
    codes = {issue_resident_code() for _ in range(100)}
    assert len(codes) == 100
    assert all(is_valid_resident_code(code) for code in codes)


def test_schemes_are_pluggable() -> None:
    scheme: ResidentCodeScheme = LastDigitScheme()
    code = issue_resident_code(random.Random(1), scheme=scheme)
    assert code[-1] == code[-2]
    assert is_valid_resident_code("12345678900", scheme=scheme)
    assert not is_valid_resident_code("12345678903", scheme=scheme)
    assert resident_code_check_digit("1234567890", scheme=scheme) == 0

    custom: TypeAdapter[str] = TypeAdapter(Annotated[str, BeforeValidator(resident_code_validator(scheme))])
    assert custom.validate_python("12345678900") == "12345678900"
    with pytest.raises(ValidationError) as caught:
        custom.validate_python("12345678903")
    assert caught.value.errors()[0]["type"] == "resident_code_check_digit"


def test_default_scheme_is_the_weighted_mod11_substitute() -> None:
    assert isinstance(DEFAULT_RESIDENT_CODE_SCHEME, WeightedMod11ResidentCodeScheme)


@pytest.mark.parametrize(
    ("code", "masked"),
    [("12345678903", "*******8903"), ("123", "***"), ("", "")],
)
def test_mask(code: str, masked: str) -> None:
    assert mask_resident_code(code) == masked


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12345678903", "12345678903"), ("１２３４５６７８９０３", "12345678903")],
)
def test_pydantic_type_normalises(raw: str, expected: str) -> None:
    assert ADAPTER.validate_python(raw) == expected
    assert ADAPTER.validate_json(f'"{raw}"') == expected


@pytest.mark.parametrize(
    ("raw", "error_type", "message"),
    [
        ("12345678904", "resident_code_check_digit", "the check digit of the resident code is wrong"),
        (
            "１２３４５６７８９０４",
            "resident_code_check_digit",
            "the check digit of the resident code is wrong",
        ),
        ("1234567890", "resident_code_length", "resident code must have 11 digits, got 10"),
        ("123456789033", "resident_code_length", "resident code must have 11 digits, got 12"),
        ("1234567890X", "resident_code_not_digits", "character 11 is not a digit"),
        (12345678903, "resident_code_type", "resident code must be a string of 11 digits"),
    ],
)
def test_pydantic_errors_never_echo_the_code(raw: Any, error_type: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    assert message in error["msg"]
    for text in (str(caught.value), caught.value.json()):
        assert str(raw) not in text
        assert "2345678" not in text


def test_json_schema() -> None:
    schema = ADAPTER.json_schema()
    assert schema["pattern"] == "^[0-9]{11}$"
    assert (schema["minLength"], schema["maxLength"]) == (11, 11)
    assert "住民票コード" in schema["description"]
    assert all(is_valid_resident_code(example) for example in schema["examples"])
