"""The states of a citizen's request as it moves through fulfilment."""

from __future__ import annotations

from enum import StrEnum


class RequestState(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    AWAITING_INQUIRY = "awaiting_inquiry"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    UNROUTABLE = "unroutable"
    ESCALATED = "escalated"
    DECLINED = "declined"


#: Nothing happens to a request after one of these.
FINAL = frozenset({
    RequestState.FULFILLED,
    RequestState.CANCELLED,
    RequestState.UNROUTABLE,
    RequestState.ESCALATED,
    RequestState.DECLINED,
})

#: In these states an office holds the request: it counts towards the office's load.
HELD = frozenset({
    RequestState.ASSIGNED,
    RequestState.ACCEPTED,
    RequestState.AWAITING_INQUIRY,
    RequestState.IN_PROGRESS,
})


class RefusalReason(StrEnum):
    """Why the router refused to apply a valid-looking event (a subset of the dead-letter codes)."""

    UNKNOWN_SERVICE = "UNKNOWN_SERVICE"
    UNKNOWN_OFFICE = "UNKNOWN_OFFICE"
    UNKNOWN_REQUEST = "UNKNOWN_REQUEST"
    UNKNOWN_INQUIRY = "UNKNOWN_INQUIRY"
    DUPLICATE_EVENT = "DUPLICATE_EVENT"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    STALE_ATTEMPT = "STALE_ATTEMPT"
    OFFICE_NOT_ASSIGNED = "OFFICE_NOT_ASSIGNED"
