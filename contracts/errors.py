"""Why input was refused: one vocabulary of reason codes, and the contract error.

The codes are stable and machine-readable; they appear in `deadletter.recorded`
events. The first group is found by `contracts.registry.parse_event` (the input
breaks the contract); the second by the router (the input is well-formed but
refused by the state it meets).
"""

from __future__ import annotations

from enum import StrEnum


class DeadLetterReason(StrEnum):
    # the input breaks the contract
    MALFORMED_JSON = "MALFORMED_JSON"
    NOT_AN_OBJECT = "NOT_AN_OBJECT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    MISSING_FIELD = "MISSING_FIELD"
    WRONG_TYPE = "WRONG_TYPE"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    INVALID_VALUE = "INVALID_VALUE"
    UNKNOWN_EVENT_TYPE = "UNKNOWN_EVENT_TYPE"
    UNEXPECTED_EVENT_TYPE = "UNEXPECTED_EVENT_TYPE"
    UNSUPPORTED_SCHEMA_VERSION = "UNSUPPORTED_SCHEMA_VERSION"
    INVALID_NATIONAL_ID = "INVALID_NATIONAL_ID"
    INVALID_SERVICE_CODE = "INVALID_SERVICE_CODE"
    INVALID_REGION_CODE = "INVALID_REGION_CODE"
    INVALID_OFFICE_ID = "INVALID_OFFICE_ID"
    TIMESTAMP_WITHOUT_TIMEZONE = "TIMESTAMP_WITHOUT_TIMEZONE"
    STRING_TOO_LONG = "STRING_TOO_LONG"
    # well-formed, but refused by the router
    UNKNOWN_SERVICE = "UNKNOWN_SERVICE"
    UNKNOWN_OFFICE = "UNKNOWN_OFFICE"
    UNKNOWN_REQUEST = "UNKNOWN_REQUEST"
    DUPLICATE_EVENT = "DUPLICATE_EVENT"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    STALE_ATTEMPT = "STALE_ATTEMPT"
    OFFICE_NOT_ASSIGNED = "OFFICE_NOT_ASSIGNED"
    UNKNOWN_INQUIRY = "UNKNOWN_INQUIRY"


class ContractError(Exception):
    """Input that cannot be accepted, with a reason code and what the sender should fix.

    `field` is the path of the offending field (``payload.region.city``,
    ``payload.inquiries[0].kind``) or None when the problem is the whole input.
    """

    def __init__(self, reason: DeadLetterReason, message: str, field: str | None = None) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"ContractError({self.reason!s}, {self.message!r}, field={self.field!r})"
