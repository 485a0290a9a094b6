"""One envelope class per event type, and the discriminated union of all of them.

`isinstance(envelope, RequestSubmittedEnvelope)` (or `match`) narrows
`envelope.payload` to `RequestSubmitted` for mypy.
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

from contracts.assignments import AssignmentMade, AssignmentWithdrawn
from contracts.base import ContractModel
from contracts.catalog import ServiceDefined
from contracts.clock import ClockTicked
from contracts.deadletter import DeadLetterRecorded
from contracts.decisions import RoutingDecided
from contracts.envelope import Envelope, event_type_field, payload_field
from contracts.fulfilment import (
    FulfilmentAccepted,
    FulfilmentAwaitingInquiry,
    FulfilmentFulfilled,
    FulfilmentRejected,
)
from contracts.inquiries import InquiryAnswered, InquiryRequested
from contracts.licences import (
    LicenceAmended,
    LicenceIssued,
    LicenceReinstated,
    LicenceRevoked,
    LicenceSuspended,
)
from contracts.requests import RequestCancelled, RequestSubmitted
from contracts.state import RequestStateChanged


class ServiceDefinedEnvelope(Envelope[ServiceDefined]):
    event_type: Literal["catalog.service_defined"] = event_type_field("catalog.service_defined")
    payload: ServiceDefined = payload_field(ServiceDefined)


class LicenceIssuedEnvelope(Envelope[LicenceIssued]):
    event_type: Literal["licence.issued"] = event_type_field("licence.issued")
    payload: LicenceIssued = payload_field(LicenceIssued)


class LicenceAmendedEnvelope(Envelope[LicenceAmended]):
    event_type: Literal["licence.amended"] = event_type_field("licence.amended")
    payload: LicenceAmended = payload_field(LicenceAmended)


class LicenceSuspendedEnvelope(Envelope[LicenceSuspended]):
    event_type: Literal["licence.suspended"] = event_type_field("licence.suspended")
    payload: LicenceSuspended = payload_field(LicenceSuspended)


class LicenceReinstatedEnvelope(Envelope[LicenceReinstated]):
    event_type: Literal["licence.reinstated"] = event_type_field("licence.reinstated")
    payload: LicenceReinstated = payload_field(LicenceReinstated)


class LicenceRevokedEnvelope(Envelope[LicenceRevoked]):
    event_type: Literal["licence.revoked"] = event_type_field("licence.revoked")
    payload: LicenceRevoked = payload_field(LicenceRevoked)


class RequestSubmittedEnvelope(Envelope[RequestSubmitted]):
    event_type: Literal["request.submitted"] = event_type_field("request.submitted")
    payload: RequestSubmitted = payload_field(RequestSubmitted)


class RequestCancelledEnvelope(Envelope[RequestCancelled]):
    event_type: Literal["request.cancelled"] = event_type_field("request.cancelled")
    payload: RequestCancelled = payload_field(RequestCancelled)


class RoutingDecidedEnvelope(Envelope[RoutingDecided]):
    event_type: Literal["routing.decided"] = event_type_field("routing.decided")
    payload: RoutingDecided = payload_field(RoutingDecided)


class AssignmentMadeEnvelope(Envelope[AssignmentMade]):
    event_type: Literal["assignment.made"] = event_type_field("assignment.made")
    payload: AssignmentMade = payload_field(AssignmentMade)


class AssignmentWithdrawnEnvelope(Envelope[AssignmentWithdrawn]):
    event_type: Literal["assignment.withdrawn"] = event_type_field("assignment.withdrawn")
    payload: AssignmentWithdrawn = payload_field(AssignmentWithdrawn)


class FulfilmentAcceptedEnvelope(Envelope[FulfilmentAccepted]):
    event_type: Literal["fulfilment.accepted"] = event_type_field("fulfilment.accepted")
    payload: FulfilmentAccepted = payload_field(FulfilmentAccepted)


class FulfilmentRejectedEnvelope(Envelope[FulfilmentRejected]):
    event_type: Literal["fulfilment.rejected"] = event_type_field("fulfilment.rejected")
    payload: FulfilmentRejected = payload_field(FulfilmentRejected)


class FulfilmentAwaitingInquiryEnvelope(Envelope[FulfilmentAwaitingInquiry]):
    event_type: Literal["fulfilment.awaiting_inquiry"] = event_type_field(
        "fulfilment.awaiting_inquiry"
    )
    payload: FulfilmentAwaitingInquiry = payload_field(FulfilmentAwaitingInquiry)


class FulfilmentFulfilledEnvelope(Envelope[FulfilmentFulfilled]):
    event_type: Literal["fulfilment.fulfilled"] = event_type_field("fulfilment.fulfilled")
    payload: FulfilmentFulfilled = payload_field(FulfilmentFulfilled)


class InquiryRequestedEnvelope(Envelope[InquiryRequested]):
    event_type: Literal["inquiry.requested"] = event_type_field("inquiry.requested")
    payload: InquiryRequested = payload_field(InquiryRequested)


class InquiryAnsweredEnvelope(Envelope[InquiryAnswered]):
    event_type: Literal["inquiry.answered"] = event_type_field("inquiry.answered")
    payload: InquiryAnswered = payload_field(InquiryAnswered)


class RequestStateChangedEnvelope(Envelope[RequestStateChanged]):
    event_type: Literal["request.state_changed"] = event_type_field("request.state_changed")
    payload: RequestStateChanged = payload_field(RequestStateChanged)


class DeadLetterRecordedEnvelope(Envelope[DeadLetterRecorded]):
    event_type: Literal["deadletter.recorded"] = event_type_field("deadletter.recorded")
    payload: DeadLetterRecorded = payload_field(DeadLetterRecorded)


class ClockTickedEnvelope(Envelope[ClockTicked]):
    event_type: Literal["clock.ticked"] = event_type_field("clock.ticked")
    payload: ClockTicked = payload_field(ClockTicked)


AnyEnvelope = (
    ServiceDefinedEnvelope
    | LicenceIssuedEnvelope
    | LicenceAmendedEnvelope
    | LicenceSuspendedEnvelope
    | LicenceReinstatedEnvelope
    | LicenceRevokedEnvelope
    | RequestSubmittedEnvelope
    | RequestCancelledEnvelope
    | RoutingDecidedEnvelope
    | AssignmentMadeEnvelope
    | AssignmentWithdrawnEnvelope
    | FulfilmentAcceptedEnvelope
    | FulfilmentRejectedEnvelope
    | FulfilmentAwaitingInquiryEnvelope
    | FulfilmentFulfilledEnvelope
    | InquiryRequestedEnvelope
    | InquiryAnsweredEnvelope
    | RequestStateChangedEnvelope
    | DeadLetterRecordedEnvelope
    | ClockTickedEnvelope
)
"""Any event; narrow it with isinstance or match to get a precisely typed payload."""

ENVELOPE_CLASSES: Final[tuple[type[Envelope[Any]], ...]] = get_args(AnyEnvelope)


def _payload_class(envelope: type[Envelope[Any]]) -> type[ContractModel]:
    annotation = envelope.model_fields["payload"].annotation
    if not (isinstance(annotation, type) and issubclass(annotation, ContractModel)):
        raise TypeError(f"{envelope.__name__}.payload is not a contract model")
    return annotation


def _event_type(envelope: type[Envelope[Any]]) -> str:
    (literal,) = get_args(envelope.model_fields["event_type"].annotation)
    if literal != getattr(_payload_class(envelope), "event_type", None):
        raise TypeError(f"{envelope.__name__}: event_type differs from its payload's")
    return str(literal)


ENVELOPE_BY_TYPE: Final[dict[str, type[Envelope[Any]]]] = {
    _event_type(cls): cls for cls in ENVELOPE_CLASSES
}
ENVELOPE_BY_PAYLOAD: Final[dict[type[ContractModel], type[Envelope[Any]]]] = {
    _payload_class(cls): cls for cls in ENVELOPE_CLASSES
}
PAYLOAD_BY_TYPE: Final[dict[str, type[ContractModel]]] = {
    event_type: _payload_class(cls) for event_type, cls in ENVELOPE_BY_TYPE.items()
}
EVENT_TYPES: Final[frozenset[str]] = frozenset(ENVELOPE_BY_TYPE)
