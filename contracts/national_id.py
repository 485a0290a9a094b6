"""Iranian national identification numbers (code-e melli) and their check digit.

Digit 10 is derived from the first nine: weights 10..2, sum mod 11 = r; the check
digit is r when r < 2, else 11 - r. Ids that repeat one digit ten times pass that
arithmetic but are never issued, so they are refused too.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from contracts.codes import NATIONAL_ID_PATTERN

_TEN_DIGITS = re.compile(NATIONAL_ID_PATTERN)


def check_digit(first_nine: str) -> int:
    """The check digit for the first nine digits of a national id."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("a national id's first part is exactly nine ASCII digits")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def national_id_problem(value: str) -> str | None:
    """Why `value` is not a valid national id, or None when it is one."""
    if not _TEN_DIGITS.match(value):
        return "a national id is exactly 10 ASCII digits (keep leading zeros)"
    if len(set(value)) == 1:
        return "a national id that repeats one digit ten times is never issued"
    if int(value[9]) != check_digit(value[:9]):
        return "the check digit (10th digit) does not match the first nine digits"
    return None


def is_valid_national_id(value: str) -> bool:
    return national_id_problem(value) is None


def _validate(value: str) -> str:
    problem = national_id_problem(value)
    if problem is not None:
        raise PydanticCustomError("INVALID_NATIONAL_ID", problem)
    return value


NationalId = Annotated[
    str, StringConstraints(pattern=NATIONAL_ID_PATTERN), AfterValidator(_validate)
]
