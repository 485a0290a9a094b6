"""Why an office was not eligible for a request: the closed list of reason codes."""

from __future__ import annotations

from enum import StrEnum


class ExclusionReason(StrEnum):
    LICENCE_SUSPENDED = "LICENCE_SUSPENDED"
    LICENCE_REVOKED = "LICENCE_REVOKED"
    LICENCE_NOT_YET_VALID = "LICENCE_NOT_YET_VALID"
    LICENCE_EXPIRED = "LICENCE_EXPIRED"
    SERVICE_NOT_DELEGATED = "SERVICE_NOT_DELEGATED"
    SERVICE_OF_OTHER_AGENCY = "SERVICE_OF_OTHER_AGENCY"
    SERVICE_NOT_IN_SCOPE = "SERVICE_NOT_IN_SCOPE"
    BRANCH_NOT_LICENSED = "BRANCH_NOT_LICENSED"
    REGION_OUT_OF_REACH = "REGION_OUT_OF_REACH"
    CAPACITY_EXHAUSTED = "CAPACITY_EXHAUSTED"
    PREVIOUSLY_REJECTED = "PREVIOUSLY_REJECTED"
    PREVIOUSLY_TIMED_OUT = "PREVIOUSLY_TIMED_OUT"
    OFFICE_UNKNOWN = "OFFICE_UNKNOWN"


# The reasons a request may carry for offices it has already been through.
PRIOR_ATTEMPT_REASONS: frozenset[ExclusionReason] = frozenset(
    {ExclusionReason.PREVIOUSLY_REJECTED, ExclusionReason.PREVIOUSLY_TIMED_OUT}
)
