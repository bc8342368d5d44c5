from typing import Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from shared.values.individual_number import (
    IndividualNumber,
    MaskedIndividualNumber,
    individual_number_check_digit,
    is_valid_individual_number,
    mask_individual_number,
)
from shared.values.local_government_code import local_government_check_digit

ADAPTER: TypeAdapter[str] = TypeAdapter(IndividualNumber)
WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _remainder(first_eleven: str) -> int:
    return sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS, strict=True)) % 11


@pytest.mark.parametrize(
    ("first_eleven", "remainder", "expected"),
    [
        ("12345678901", 3, 8),
        ("00000000000", 0, 0),
        ("59574890682", 0, 0),
        ("25412248244", 1, 0),
        ("88360759838", 2, 9),
        ("37783533740", 10, 1),
    ],
)
def test_check_digit(first_eleven: str, remainder: int, expected: int) -> None:
    assert _remainder(first_eleven) == remainder
    assert individual_number_check_digit(first_eleven) == expected


def test_remainder_zero_differs_from_the_local_government_rule() -> None:
    # Same remainder 0: the local-government rule gives 1, the individual-number rule 0.
    assert local_government_check_digit("11000") == 1
    assert individual_number_check_digit("59574890682") == 0
    # Remainder 1 gives 0 under both rules.
    assert local_government_check_digit("20000") == 0
    assert individual_number_check_digit("25412248244") == 0


@pytest.mark.parametrize(
    "first_eleven", ["1234567890", "123456789012", "1234567890a", "１２３４５６７８９０１"]
)
def test_check_digit_requires_eleven_ascii_digits(first_eleven: str) -> None:
    with pytest.raises(ValueError, match="11 ASCII digits") as caught:
        individual_number_check_digit(first_eleven)
    assert first_eleven not in str(caught.value)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("123456789018", True),
        ("595748906820", True),
        ("254122482440", True),
        ("123456789017", False),
        ("595748906821", False),
        ("12345678901", False),
        ("1234567890188", False),
        ("12345678901A", False),
        ("１２３４５６７８９０１８", False),  # the pure function takes ASCII; the type normalises
        ("", False),
    ],
)
def test_is_valid(number: str, valid: bool) -> None:
    assert is_valid_individual_number(number) is valid


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("123456789018", "********9018"),
        ("1234567890188", "*********0188"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask(number: str, masked: str) -> None:
    assert mask_individual_number(number) == masked


def test_masked_wrapper_never_shows_the_number() -> None:
    wrapped = MaskedIndividualNumber("123456789018")
    assert str(wrapped) == "********9018"
    assert repr(wrapped) == "MaskedIndividualNumber('********9018')"
    assert f"{wrapped}" == "********9018"
    assert "123456789018" not in repr([wrapped, {"n": wrapped}])
    assert wrapped.reveal() == "123456789018"
    assert wrapped == MaskedIndividualNumber("123456789018")
    assert wrapped != MaskedIndividualNumber("595748906820")
    assert len({wrapped, MaskedIndividualNumber("123456789018")}) == 1


def test_masked_wrapper_rejects_invalid_numbers_without_echo() -> None:
    with pytest.raises(ValueError, match="not a valid individual number") as caught:
        MaskedIndividualNumber("123456789017")
    assert "123456789017" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123456789018", "123456789018"),
        ("１２３４５６７８９０１８", "123456789018"),
        ("254122482440", "254122482440"),
    ],
)
def test_pydantic_type_normalises(raw: str, expected: str) -> None:
    assert ADAPTER.validate_python(raw) == expected
    assert ADAPTER.validate_json(f'"{raw}"') == expected


def _assert_not_echoed(error: ValidationError, *secrets: str) -> None:
    texts = [str(error), error.json(), repr(error.errors()), repr(error)]
    for secret in secrets:
        for text in texts:
            assert secret not in text


@pytest.mark.parametrize(
    ("raw", "error_type", "message", "masked_input"),
    [
        (
            "123456789017",
            "individual_number_check_digit",
            "the check digit of the individual number is wrong",
            "********9017",
        ),
        (
            "１２３４５６７８９０１７",
            "individual_number_check_digit",
            "the check digit of the individual number is wrong",
            "********９０１７",
        ),
        (
            "12345678901",
            "individual_number_length",
            "individual number must have 12 digits, got 11",
            "***********",
        ),
        (
            "1234567890188",
            "individual_number_length",
            "individual number must have 12 digits, got 13",
            "*********0188",
        ),
        (
            "1234-5678-9018",
            "individual_number_not_digits",
            "individual number must contain only the digits 0-9; character 5 is not a digit",
            "**********9018",
        ),
        (
            123456789018,
            "individual_number_type",
            "individual number must be a string of 12 digits",
            "<redacted>",
        ),
    ],
)
def test_pydantic_errors_never_echo_the_number(
    raw: Any, error_type: str, message: str, masked_input: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == error_type
    assert error["msg"] == message
    assert error["input"] == masked_input
    digits_only = "".join(ch for ch in str(raw) if ch.isdigit())
    _assert_not_echoed(caught.value, str(raw), digits_only, "5678")


def test_model_errors_never_echo_the_number() -> None:
    class Body(BaseModel):
        individual_number: IndividualNumber

    for payload in ('{"individual_number": "123456789017"}', '{"individual_number": 123456789017}'):
        with pytest.raises(ValidationError) as caught:
            Body.model_validate_json(payload)
        (error,) = caught.value.errors()
        assert error["loc"] == ("individual_number",)
        _assert_not_echoed(caught.value, "123456789017", "12345678")


def test_model_repr_leaves_the_number_out_with_field_repr_false() -> None:
    class Person(BaseModel):
        name: str
        individual_number: IndividualNumber = Field(repr=False)
        previous_number: IndividualNumber | None = Field(default=None, repr=False)

    person = Person(name="山田", individual_number="123456789018")
    assert person.individual_number == "123456789018"
    assert "123456789018" not in repr(person)
    assert "123456789018" not in str(person)
    assert person.model_dump() == {
        "name": "山田",
        "individual_number": "123456789018",
        "previous_number": None,
    }


def test_usable_in_containers_and_optionals() -> None:
    adapter: TypeAdapter[list[str] | None] = TypeAdapter(list[IndividualNumber] | None)
    assert adapter.validate_python(["１２３４５６７８９０１８"]) == ["123456789018"]
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(["123456789018", "123456789017"])
    assert caught.value.errors()[0]["loc"] == (1,)
    _assert_not_echoed(caught.value, "123456789017")


def test_json_schema() -> None:
    schema = ADAPTER.json_schema()
    assert schema["type"] == "string"
    assert schema["pattern"] == "^[0-9]{12}$"
    assert (schema["minLength"], schema["maxLength"]) == (12, 12)
    assert "My Number" in schema["description"]
    assert all(is_valid_individual_number(example) for example in schema["examples"])
