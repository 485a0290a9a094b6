import pytest

from contracts.national_id import check_digit, is_valid_national_id, national_id_problem

# check digits computed by hand: sum of digit * weight (10..2), r = sum % 11,
# check = r if r < 2 else 11 - r
KNOWN_GOOD = [
    "0012345679",  # sum 112, r 2 -> 9
    "1234567891",  # sum 210, r 1 -> 1
    "0084575948",  # sum 212, r 3 -> 8
    "4321098769",  # sum 200, r 2 -> 9
    "5678901230",  # sum 286, r 0 -> 0
]


@pytest.mark.parametrize("national_id", KNOWN_GOOD)
def test_known_good_ids_are_valid(national_id: str) -> None:
    assert check_digit(national_id[:9]) == int(national_id[9])
    assert is_valid_national_id(national_id)


@pytest.mark.parametrize("national_id", KNOWN_GOOD)
def test_every_other_last_digit_is_refused(national_id: str) -> None:
    for digit in "0123456789":
        if digit != national_id[9]:
            assert not is_valid_national_id(national_id[:9] + digit)


@pytest.mark.parametrize("digit", "0123456789")
def test_ids_repeating_one_digit_are_refused_even_when_the_arithmetic_passes(digit: str) -> None:
    assert national_id_problem(digit * 10) == (
        "a national id that repeats one digit ten times is never issued"
    )


@pytest.mark.parametrize(
    "value", ["", "123456789", "12345678901", "12345678a1", " 012345679", "۰۰۱۲۳۴۵۶۷۹"]
)
def test_anything_but_ten_ascii_digits_is_refused(value: str) -> None:
    assert national_id_problem(value) == (
        "a national id is exactly 10 ASCII digits (keep leading zeros)"
    )


def test_check_digit_needs_nine_ascii_digits() -> None:
    with pytest.raises(ValueError, match="nine ASCII digits"):
        check_digit("12345678")
