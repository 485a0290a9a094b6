"""Citizens' requests from intake systems, and their cancellation."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import ContractModel, example_config, example_of
from contracts.codes import OfficeId, Reason, RequestId, ServiceCode, UtcDatetime
from contracts.national_id import NationalId
from contracts.region import Region

Channel = Literal["web", "app", "counter", "kiosk"]


class RequestSubmitted(ContractModel):
    """A citizen asked for one service through an intake channel."""

    event_type: ClassVar[str] = "request.submitted"
    model_config = example_config(
        {
            "request_id": "REQ-2024-000123",
            "service_code": "CIV-101",
            "citizen_national_id": "0012345679",
            "region": example_of(Region),
            "channel": "web",
            "preferred_office": None,
            "submitted_at": "2024-05-01T08:30:00Z",
        }
    )

    request_id: RequestId = Field(
        description="The intake system's request id (8-64 letters, digits, _ or -).",
        examples=["REQ-2024-000123"],
    )
    service_code: ServiceCode = Field(description="The service asked for.", examples=["CIV-101"])
    citizen_national_id: NationalId = Field(
        description="The citizen's 10-digit national id, with a valid check digit.",
        examples=["0012345679"],
    )
    region: Region = Field(
        description="The citizen's region; offices are chosen by distance from it.",
        examples=[example_of(Region)],
    )
    channel: Channel = Field(description="The intake channel.", examples=["web"])
    preferred_office: OfficeId | None = Field(
        default=None,
        description="An office the citizen would like, honoured when eligible; or null.",
        examples=[None, "GEN-00042"],
    )
    submitted_at: UtcDatetime = Field(
        description="When the citizen submitted the request.", examples=["2024-05-01T08:30:00Z"]
    )


class RequestCancelled(ContractModel):
    """The citizen (or the intake system on their behalf) withdrew a request."""

    event_type: ClassVar[str] = "request.cancelled"
    model_config = example_config(
        {"request_id": "REQ-2024-000123", "by": "citizen", "reason": "No longer needed"}
    )

    request_id: RequestId = Field(
        description="The request cancelled.", examples=["REQ-2024-000123"]
    )
    by: Literal["citizen", "intake"] = Field(description="Who cancelled it.", examples=["citizen"])
    reason: Reason = Field(description="Why it was cancelled.", examples=["No longer needed"])
