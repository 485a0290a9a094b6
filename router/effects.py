"""What applying an event implies: values the stream layer turns into messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from router.decision import Decision
from router.records import RequestRecord
from router.states import RefusalReason, RequestState


@dataclass(frozen=True, slots=True)
class StateChanged:
    record: RequestRecord  # the record after the change (seq, attempt, office, details)
    from_state: RequestState | None
    to_state: RequestState
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Decided:
    decision: Decision
    at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentIssued:
    record: RequestRecord  # assignment id, office, attempt and deadline are on the record
    policy_version: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentWithdrawn:
    request_id: str
    assignment_id: str
    office_id: str
    reason: str  # acceptance_timeout | cancelled | rerouted | escalated | declined
    at: datetime


@dataclass(frozen=True, slots=True)
class InquiryIssued:
    request_id: str
    inquiry_id: str
    kind: str
    agency: str
    citizen_national_id: str
    due_by: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class Refused:
    reason: RefusalReason
    message: str
    request_id: str | None = None
    office_id: str | None = None
    security: bool = False


@dataclass(frozen=True, slots=True)
class OfficeOpened:
    """A licence was issued: the office's own assignment stream must exist."""

    office_id: str


Effect = (
    StateChanged | Decided | AssignmentIssued | AssignmentWithdrawn | InquiryIssued | Refused
    | OfficeOpened
)
