"""Turn pydantic validation errors into one `ContractError` with the most specific code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from contracts import codes
from contracts.errors import ContractError, DeadLetterReason

R = DeadLetterReason

_BY_PATTERN: Final[dict[str, tuple[DeadLetterReason, str]]] = {
    codes.SERVICE_CODE_PATTERN: (R.INVALID_SERVICE_CODE, "2-6 capital letters, '-', 3-4 digits"),
    codes.OFFICE_ID_PATTERN: (R.INVALID_OFFICE_ID, "2-4 capital letters, '-', 3-6 digits"),
    codes.PROVINCE_PATTERN: (R.INVALID_REGION_CODE, "a two-digit province code"),
    codes.CITY_PATTERN: (R.INVALID_REGION_CODE, "a city code like 23-001"),
    codes.NATIONAL_ID_PATTERN: (R.INVALID_NATIONAL_ID, "exactly 10 ASCII digits"),
}

_BY_ERROR_TYPE: Final[dict[str, tuple[DeadLetterReason, str]]] = {
    "missing": (R.MISSING_FIELD, "required field is missing"),
    "extra_forbidden": (R.UNKNOWN_FIELD, "unknown field; remove it (extra fields are refused)"),
    "timezone_aware": (
        R.TIMESTAMP_WITHOUT_TIMEZONE,
        "timestamp has no timezone; send RFC 3339 with an offset, e.g. 2024-05-01T08:30:00Z",
    ),
    "datetime_parsing": (R.INVALID_VALUE, "not an RFC 3339 timestamp, e.g. 2024-05-01T08:30:00Z"),
}

# the more specific first: the primary reason of an error with several problems
_PRECEDENCE: Final[tuple[DeadLetterReason, ...]] = (
    R.UNSUPPORTED_SCHEMA_VERSION,
    R.INVALID_NATIONAL_ID,
    R.INVALID_SERVICE_CODE,
    R.INVALID_REGION_CODE,
    R.INVALID_OFFICE_ID,
    R.TIMESTAMP_WITHOUT_TIMEZONE,
    R.STRING_TOO_LONG,
    R.UNKNOWN_FIELD,
    R.MISSING_FIELD,
    R.WRONG_TYPE,
    R.INVALID_VALUE,
)
MAX_LISTED: Final = 10
_SEGMENT_MAX: Final = 64


def contract_error(error: ValidationError, *, strip_tag: str | None = None) -> ContractError:
    """The `ContractError` for a validation error; every problem is listed in the message."""
    problems = [_problem(detail, strip_tag) for detail in error.errors()]
    problems.sort(key=lambda problem: _PRECEDENCE.index(problem[0]))
    listed = [f"{path or '(event)'}: {text}" for _, path, text in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        listed.append(f"and {len(problems) - MAX_LISTED} more problems")
    reason, path, _ = problems[0]
    return ContractError(reason, "; ".join(listed), path or None)


def _problem(detail: ErrorDetails, strip_tag: str | None) -> tuple[DeadLetterReason, str, str]:
    loc = detail["loc"]
    if strip_tag is not None and loc[:1] == (strip_tag,):
        loc = loc[1:]
    reason, text = _classify(detail)
    return reason, json_path(loc), text


def _classify(detail: ErrorDetails) -> tuple[DeadLetterReason, str]:
    kind = detail["type"]
    if kind in DeadLetterReason.__members__:
        return DeadLetterReason(kind), detail["msg"]
    if kind == "string_pattern_mismatch":
        pattern = str((detail.get("ctx") or {}).get("pattern", ""))
        reason, hint = _BY_PATTERN.get(pattern, (R.INVALID_VALUE, "the documented format"))
        return reason, f"must be {hint} (pattern {pattern})"
    if kind in _BY_ERROR_TYPE:
        return _BY_ERROR_TYPE[kind]
    if kind == "string_too_long":
        return R.STRING_TOO_LONG, f"{detail['msg']}; shorten it"
    if kind.endswith("_type"):
        return R.WRONG_TYPE, detail["msg"]
    return R.INVALID_VALUE, detail["msg"]


def json_path(loc: Sequence[int | str]) -> str:
    """``("payload", "inquiries", 0, "kind")`` -> ``payload.inquiries[0].kind``."""
    path = ""
    for segment in loc:
        if isinstance(segment, int):
            path += f"[{segment}]"
        else:
            name = segment if len(segment) <= _SEGMENT_MAX else segment[:_SEGMENT_MAX] + "..."
            path += f".{name}" if path else name
    return path
