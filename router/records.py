"""What the router remembers about one request: a frozen value, replaced on every change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from router.reasons import ExclusionReason
from router.regions import Region
from router.states import HELD, RequestState

#: How many applied event ids a record keeps to recognise a re-delivered event.
REMEMBERED_EVENTS = 16


@dataclass(frozen=True, slots=True)
class InquiryStatus:
    inquiry_id: str
    kind: str
    agency: str
    due_by: datetime
    outcome: str | None = None  # None while unanswered, else "positive" | "negative"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    request_id: str
    service_code: str
    region: Region
    citizen_national_id: str
    channel: str
    preferred_office: str | None
    submitted_at: datetime
    state: RequestState = RequestState.RECEIVED
    attempt: int = 0
    office_id: str | None = None
    assignment_id: str | None = None
    accept_by: datetime | None = None
    fulfil_by: datetime | None = None
    excluded: tuple[tuple[str, ExclusionReason], ...] = ()
    inquiries: tuple[InquiryStatus, ...] = ()
    seq: int = 0
    sla_breached: bool = False
    applied: tuple[str, ...] = ()

    @property
    def held_by(self) -> str | None:
        """The office whose load this request counts towards, if any."""
        return self.office_id if self.state in HELD else None

    def remember(self, event_id: str) -> RequestRecord:
        return replace(self, applied=(*self.applied, event_id)[-REMEMBERED_EVENTS:])

    def has_applied(self, event_id: str) -> bool:
        return event_id in self.applied

    def exclude(self, office_id: str, reason: ExclusionReason) -> RequestRecord:
        pairs = dict(self.excluded)
        pairs[office_id] = reason
        return replace(self, excluded=tuple(sorted(pairs.items())))

    def inquiry(self, inquiry_id: str) -> InquiryStatus | None:
        return next((i for i in self.inquiries if i.inquiry_id == inquiry_id), None)
