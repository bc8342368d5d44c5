from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values.yen import SIGNED_YEN_MIN, YEN_MAX, SignedYen, Yen

YEN: TypeAdapter[int] = TypeAdapter(Yen)
SIGNED_YEN: TypeAdapter[int] = TypeAdapter(SignedYen)


@pytest.mark.parametrize("amount", [0, 1, 1500000, YEN_MAX])
def test_yen_accepts_non_negative_integers(amount: int) -> None:
    assert YEN.validate_python(amount) == amount
    assert YEN.validate_json(str(amount)) == amount


@pytest.mark.parametrize(
    ("raw", "error_type"),
    [
        (-1, "greater_than_equal"),
        (YEN_MAX + 1, "less_than_equal"),
        (100.0, "int_type"),
        (100.5, "int_type"),
        (True, "int_type"),
        (False, "int_type"),
        ("100", "int_type"),
        ("100.5", "int_type"),
        (None, "int_type"),
    ],
)
def test_yen_rejects(raw: Any, error_type: str) -> None:
    with pytest.raises(ValidationError) as caught:
        YEN.validate_python(raw)
    assert caught.value.errors()[0]["type"] == error_type


@pytest.mark.parametrize(
    ("payload", "error_type"),
    [
        ("100.0", "int_type"),
        ("100.5", "int_type"),
        ("true", "int_type"),
        ('"100"', "int_type"),
        ("-5", "greater_than_equal"),
    ],
)
def test_yen_rejects_json(payload: str, error_type: str) -> None:
    with pytest.raises(ValidationError) as caught:
        YEN.validate_json(payload)
    assert caught.value.errors()[0]["type"] == error_type


@pytest.mark.parametrize("amount", [SIGNED_YEN_MIN, -25000, 0, 25000, YEN_MAX])
def test_signed_yen_accepts_integers(amount: int) -> None:
    assert SIGNED_YEN.validate_python(amount) == amount


@pytest.mark.parametrize("raw", [-1.0, True, "-100", SIGNED_YEN_MIN - 1])
def test_signed_yen_rejects(raw: Any) -> None:
    with pytest.raises(ValidationError):
        SIGNED_YEN.validate_python(raw)


def test_in_a_model() -> None:
    class Donation(BaseModel):
        amount: Yen
        balance: SignedYen

    donation = Donation.model_validate_json('{"amount": 50000, "balance": -1200}')
    assert donation.model_dump_json() == '{"amount":50000,"balance":-1200}'


def test_json_schema() -> None:
    schema = YEN.json_schema()
    assert schema["type"] == "integer"
    assert schema["minimum"] == 0
    assert "yen" in schema["description"]
    assert SIGNED_YEN.json_schema()["minimum"] == SIGNED_YEN_MIN


def test_yen_is_a_64_bit_integer_in_the_schema() -> None:
    """A 32-bit client cannot hold a party-subsidy total: the schema says int64."""
    schema = TypeAdapter(Yen).json_schema()
    assert schema["type"] == "integer"
    assert schema["format"] == "int64"
    assert TypeAdapter(SignedYen).json_schema()["format"] == "int64"
    assert TypeAdapter(Yen).validate_python(31_536_524_750) == 31_536_524_750
