"""Corporate number (法人番号): the ordinance's check digit, worked by hand and on published numbers."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.values import CorporateNumber, corporate_number_check_digit, is_valid_corporate_number

ADAPTER: TypeAdapter[str] = TypeAdapter(CorporateNumber)


def test_worked_example() -> None:
    # Base 123456789012 from the right: 2·1 + 1·2 + 0·1 + 9·2 + 8·1 + 7·2 + 6·1 + 5·2 + 4·1 + 3·2
    # + 2·1 + 1·2 = 74; 74 mod 9 = 2; 9 − 2 = 7.
    assert corporate_number_check_digit("123456789012") == 7
    assert is_valid_corporate_number("7123456789012")


@pytest.mark.parametrize("number", ["4011001098993", "2120901007402", "1180301018771"])
def test_published_numbers_are_valid(number: str) -> None:
    assert is_valid_corporate_number(number)


def test_a_sum_divisible_by_nine_gives_nine() -> None:
    assert corporate_number_check_digit("000000000000") == 9
    assert corporate_number_check_digit("000000000009") == 9


@pytest.mark.parametrize(
    "number", ["8123456789012", "0123456789012", "712345678901", "71234567890123", "712345678901a"]
)
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_corporate_number(number)
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(number)


def test_every_single_digit_error_is_caught_but_zero_for_nine() -> None:
    """A changed base digit moves the sum by d or 2d (d = 1..9): a multiple of 9 only for 0 ↔ 9."""
    number = "4011001098993"
    for position in range(13):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            undetectable = position > 0 and {digit, number[position]} == {"0", "9"}
            assert is_valid_corporate_number(changed) == undetectable, changed


def test_full_width_digits_are_normalised_and_errors_name_the_expected_digit() -> None:
    assert ADAPTER.validate_python("４０１１００１０９８９９３") == "4011001098993"
    with pytest.raises(ValidationError) as caught:
        ADAPTER.validate_python("5011001098993")
    assert caught.value.errors()[0]["type"] == "corporate_number_check_digit"
    assert "should be 4" in caught.value.errors()[0]["msg"]
