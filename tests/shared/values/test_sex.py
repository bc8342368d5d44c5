from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.values.sex import Sex

ADAPTER: TypeAdapter[Sex] = TypeAdapter(Sex)
ALLOWED = ("not_known", "male", "female", "not_applicable")


@pytest.mark.parametrize(
    ("sex", "name", "code"),
    [
        (Sex.NOT_KNOWN, "not_known", 0),
        (Sex.MALE, "male", 1),
        (Sex.FEMALE, "female", 2),
        (Sex.NOT_APPLICABLE, "not_applicable", 9),
    ],
)
def test_members(sex: Sex, name: str, code: int) -> None:
    assert sex.value == name
    assert sex == name
    assert sex.iso_5218 == code
    assert Sex.from_iso_5218(code) is sex
    assert ADAPTER.validate_python(name) is sex
    assert ADAPTER.validate_json(f'"{name}"') is sex
    assert ADAPTER.dump_json(sex) == f'"{name}"'.encode()


def test_members_are_exactly_the_iso_codes() -> None:
    assert tuple(Sex) == tuple(Sex(name) for name in ALLOWED)
    assert sorted(sex.iso_5218 for sex in Sex) == [0, 1, 2, 9]


@pytest.mark.parametrize("code", [3, 8, -1, 10])
def test_from_iso_5218_rejects_unknown_codes(code: int) -> None:
    with pytest.raises(ValueError, match="not an ISO/IEC 5218 sex code"):
        Sex.from_iso_5218(code)


@pytest.mark.parametrize("raw", ["man", "MALE", "Male", "m", "", "1", 1, 0, None, "unknown"])
def test_unknown_values_are_rejected_listing_the_allowed_ones(raw: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == "enum"
    for name in ALLOWED:
        assert f"'{name}'" in error["msg"]


def test_in_a_model() -> None:
    class Person(BaseModel):
        sex: Sex

    assert Person.model_validate_json('{"sex": "female"}').sex is Sex.FEMALE
    assert Person(sex=Sex.MALE).model_dump_json() == '{"sex":"male"}'
    with pytest.raises(ValidationError):
        Person.model_validate_json('{"sex": 2}')


def test_json_schema() -> None:
    assert ADAPTER.json_schema()["enum"] == list(ALLOWED)
