"""What an office receives on its own topic: assignments made and withdrawn."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import Identifier, OfficeId, RequestId, ServiceCode, UtcDatetime
from contracts.national_id import NationalId
from contracts.region import Region
from contracts.requests import Channel

WithdrawalReason = Literal["acceptance_timeout", "cancelled", "rerouted", "escalated", "declined"]


class AssignmentMade(ContractModel):
    """The router assigned a request to this office, to be accepted by `accept_by`."""

    event_type: ClassVar[str] = "assignment.made"
    model_config = example_config(
        {
            "assignment_id": "REQ-2024-000123:1",
            "request_id": "REQ-2024-000123",
            "attempt": 1,
            "office_id": "GEN-00042",
            "service_code": "CIV-101",
            "citizen_national_id": "0012345679",
            "region": example_of(Region),
            "channel": "web",
            "submitted_at": "2024-05-01T08:30:00Z",
            "assigned_at": "2024-05-01T08:30:01Z",
            "accept_by": "2024-05-01T09:30:01Z",
            "policy_version": "2024.1",
        }
    )

    assignment_id: Identifier = Field(description="The assignment.", examples=["REQ-2024-000123:1"])
    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    attempt: int = Field(ge=1, description="Routing attempt of this assignment.", examples=[1])
    office_id: OfficeId = Field(description="The office assigned.", examples=["GEN-00042"])
    service_code: ServiceCode = Field(description="The service to deliver.", examples=["CIV-101"])
    citizen_national_id: NationalId = Field(
        description="The citizen's national id, which the office needs.", examples=["0012345679"]
    )
    region: Region = Field(description="The citizen's region.", examples=[example_of(Region)])
    channel: Channel = Field(description="The intake channel.", examples=["web"])
    submitted_at: UtcDatetime = Field(
        description="When the citizen submitted the request.", examples=["2024-05-01T08:30:00Z"]
    )
    assigned_at: UtcDatetime = Field(
        description="When the router assigned it.", examples=["2024-05-01T08:30:01Z"]
    )
    accept_by: UtcDatetime = Field(
        description="Deadline to accept; afterwards the assignment is withdrawn.",
        examples=["2024-05-01T09:30:01Z"],
    )
    policy_version: Identifier = Field(
        description="Version of the routing policy that decided.", examples=["2024.1"]
    )

    @field_validator("accept_by")
    @classmethod
    def _deadline_after_assignment(cls, accept_by: datetime, info: ValidationInfo) -> datetime:
        assigned_at = info.data.get("assigned_at")
        if assigned_at is not None and accept_by <= assigned_at:
            raise PydanticCustomError("INVALID_VALUE", "accept_by must be later than assigned_at")
        return accept_by


class AssignmentWithdrawn(ContractModel):
    """The router took an assignment back from this office."""

    event_type: ClassVar[str] = "assignment.withdrawn"
    model_config = example_config(
        {
            "assignment_id": "REQ-2024-000123:1",
            "request_id": "REQ-2024-000123",
            "office_id": "GEN-00042",
            "reason": "acceptance_timeout",
        }
    )

    assignment_id: Identifier = Field(description="The assignment.", examples=["REQ-2024-000123:1"])
    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    office_id: OfficeId = Field(
        description="The office it was assigned to.", examples=["GEN-00042"]
    )
    reason: WithdrawalReason = Field(
        description=(
            "Why: not accepted in time, cancelled, rerouted, escalated to ops, "
            "or declined after a negative inquiry."
        ),
        examples=["acceptance_timeout"],
    )
