"""A request's fulfilment state and its changes."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import EventId, OfficeId, Reason, RequestId, ServiceCode, UtcDatetime
from contracts.region import Region
from contracts.requests import Channel


class RequestState(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    AWAITING_INQUIRY = "awaiting_inquiry"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    UNROUTABLE = "unroutable"
    ESCALATED = "escalated"
    TIMED_OUT = "timed_out"
    DECLINED = "declined"


class RequestStateChanged(ContractModel):
    """A request moved from one state to another."""

    event_type: ClassVar[str] = "request.state_changed"
    model_config = example_config(
        {
            "request_id": "REQ-2024-000123",
            "from_state": "received",
            "to_state": "assigned",
            "attempt": 1,
            "office_id": "GEN-00042",
            "cause_event_id": "0b9f6a2e-8d4c-4f7e-9a51-3c2d1e0f4a6b",
            "reason": None,
            "at": "2024-05-01T08:30:01Z",
            "seq": 2,
            "service_code": "CIV-101",
            "region": {"province": "23", "city": "23-001"},
            "channel": "web",
            "citizen_masked": "001****679",
            "submitted_at": "2024-05-01T08:30:00Z",
        }
    )

    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    from_state: RequestState | None = Field(
        description="The state left; null for the first state.", examples=["received", None]
    )
    to_state: RequestState = Field(description="The state entered.", examples=["assigned"])
    attempt: int = Field(
        ge=0, description="Routing attempt (0 before the first routing).", examples=[1]
    )
    office_id: OfficeId | None = Field(
        description="The office involved, if any.", examples=["GEN-00042", None]
    )
    cause_event_id: EventId = Field(
        description="event_id of the event that caused the change.",
        examples=["0b9f6a2e-8d4c-4f7e-9a51-3c2d1e0f4a6b"],
    )
    reason: Reason | None = Field(
        description="Why (a reason code or short text), if any.",
        examples=[None, "acceptance_timeout"],
    )
    at: UtcDatetime = Field(
        description="When, by the router's clock.", examples=["2024-05-01T08:30:01Z"]
    )
    seq: int = Field(
        ge=1,
        description="Position of this change in the request's history: 1, 2, 3, ... with no gaps.",
        examples=[2],
    )
    service_code: ServiceCode = Field(description="The requested service.", examples=["CIV-101"])
    region: Region = Field(description="The citizen's region.", examples=[example_of(Region)])
    channel: Channel = Field(description="The intake channel.", examples=["web"])
    citizen_masked: str = Field(
        pattern=r"^[0-9]{3}\*{4}[0-9]{3}$",
        description="The citizen's national id, masked: never the full id outside the office.",
        examples=["001****679"],
    )
    submitted_at: UtcDatetime = Field(
        description="When the citizen submitted the request.", examples=["2024-05-01T08:30:00Z"]
    )
