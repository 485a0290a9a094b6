"""What offices report about the requests assigned to them."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from contracts.base import ContractModel, example_config
from contracts.codes import Identifier, Note, OfficeId, ReasonCode, RequestId, ShortText, Slug


def _report_example(**extra: Any) -> dict[str, Any]:
    return {
        "request_id": "REQ-2024-000123",
        "assignment_id": "REQ-2024-000123:1",
        "office_id": "GEN-00042",
        "attempt": 1,
        **extra,
    }


class FulfilmentReport(ContractModel):
    """Fields common to every office report."""

    request_id: RequestId = Field(description="The request.", examples=["REQ-2024-000123"])
    assignment_id: Identifier = Field(
        description="The assignment reported on.", examples=["REQ-2024-000123:1"]
    )
    office_id: OfficeId = Field(
        description="The reporting office; must be the one assigned.", examples=["GEN-00042"]
    )
    attempt: int = Field(ge=1, description="Routing attempt of the assignment.", examples=[1])


class FulfilmentAccepted(FulfilmentReport):
    """The office accepted the assignment."""

    event_type: ClassVar[str] = "fulfilment.accepted"
    model_config = example_config(_report_example())


class FulfilmentRejected(FulfilmentReport):
    """The office declined the assignment; the request is routed again elsewhere."""

    event_type: ClassVar[str] = "fulfilment.rejected"
    model_config = example_config(
        _report_example(reason="MISSING_DOCUMENTS", note="Applicant lacks birth certificate")
    )

    reason: ReasonCode = Field(
        description="The office's machine-readable reason (CAPITALS_AND_UNDERSCORES).",
        examples=["MISSING_DOCUMENTS"],
    )
    note: Note = Field(
        description="Free-text note.", examples=["Applicant lacks birth certificate"]
    )


class FulfilmentAwaitingInquiry(FulfilmentReport):
    """The office is waiting on inter-agency inquiries before it can fulfil."""

    event_type: ClassVar[str] = "fulfilment.awaiting_inquiry"
    model_config = example_config(_report_example(inquiries=["identity"]))

    inquiries: tuple[Slug, ...] = Field(
        min_length=1, max_length=16, description="Inquiry kinds awaited.", examples=[["identity"]]
    )


class FulfilmentFulfilled(FulfilmentReport):
    """The office delivered the service."""

    event_type: ClassVar[str] = "fulfilment.fulfilled"
    model_config = example_config(_report_example(reference="GEN-00042/2024/000981"))

    reference: ShortText = Field(
        description="The office's delivery reference.", examples=["GEN-00042/2024/000981"]
    )
