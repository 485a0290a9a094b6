"""Inter-agency inquiries (estelam): asked by the router, answered by agencies."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from contracts.base import ContractModel, example_config
from contracts.codes import AgencyCode, Identifier, Note, RequestId, Slug, UtcDatetime
from contracts.national_id import NationalId


class InquiryRequested(ContractModel):
    """The router asked an agency to answer an inquiry about a citizen."""

    event_type: ClassVar[str] = "inquiry.requested"
    model_config = example_config(
        {
            "inquiry_id": "REQ-2024-000123:identity",
            "request_id": "REQ-2024-000123",
            "kind": "identity",
            "agency": "civil-registry",
            "citizen_national_id": "0012345679",
            "due_by": "2024-05-02T08:30:00Z",
        }
    )

    inquiry_id: Identifier = Field(
        description="Deterministic inquiry id (derived from the request and the kind).",
        examples=["REQ-2024-000123:identity"],
    )
    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    kind: Slug = Field(description="Kind of inquiry.", examples=["identity"])
    agency: AgencyCode = Field(description="The agency asked.", examples=["civil-registry"])
    citizen_national_id: NationalId = Field(
        description="The citizen the inquiry is about.", examples=["0012345679"]
    )
    due_by: UtcDatetime = Field(description="Answer deadline.", examples=["2024-05-02T08:30:00Z"])


class InquiryAnswered(ContractModel):
    """An agency answered an inquiry."""

    event_type: ClassVar[str] = "inquiry.answered"
    model_config = example_config(
        {
            "inquiry_id": "REQ-2024-000123:identity",
            "request_id": "REQ-2024-000123",
            "kind": "identity",
            "agency": "civil-registry",
            "outcome": "positive",
            "detail": "Identity confirmed",
        }
    )

    inquiry_id: Identifier = Field(
        description="The inquiry answered.", examples=["REQ-2024-000123:identity"]
    )
    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    kind: Slug = Field(description="Kind of inquiry.", examples=["identity"])
    agency: AgencyCode = Field(description="The answering agency.", examples=["civil-registry"])
    outcome: Literal["positive", "negative"] = Field(
        description="positive: the check passed; negative: it failed.", examples=["positive"]
    )
    detail: Note = Field(description="Free-text detail.", examples=["Identity confirmed"])
