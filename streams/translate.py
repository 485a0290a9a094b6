"""Contracts to domain: turn a validated envelope into the router core's input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts.catalog import ServiceDefined as ServiceDefinedEvent
from contracts.clock import ClockTicked
from contracts.fulfilment import (
    FulfilmentAccepted,
    FulfilmentAwaitingInquiry,
    FulfilmentFulfilled,
    FulfilmentRejected,
)
from contracts.inquiries import InquiryAnswered as InquiryAnsweredEvent
from contracts.licences import (
    LicenceAmended,
    LicenceIssued,
    LicenceReinstated,
    LicenceRevoked,
    LicenceScope,
    LicenceSuspended,
)
from contracts.region import Region as RegionModel
from contracts.requests import RequestCancelled, RequestSubmitted
from router import (
    AmendLicence,
    Inquiry,
    IssueLicence,
    OfficeKind,
    Reach,
    Region,
    ReinstateLicence,
    RevokeLicence,
    Scope,
    Service,
    SuspendLicence,
)
from router.inputs import (
    Cancelled,
    Input,
    InquiryAnswered,
    LicenceChanged,
    Report,
    ServiceDefined,
    Submitted,
    Ticked,
)

REPORT_KINDS: dict[type, str] = {
    FulfilmentAccepted: "accepted",
    FulfilmentRejected: "rejected",
    FulfilmentAwaitingInquiry: "awaiting_inquiry",
    FulfilmentFulfilled: "fulfilled",
}


def region(model: RegionModel) -> Region:
    return Region(province=model.province, city=model.city)


def scope(model: LicenceScope) -> Scope:
    return Scope(services=frozenset(model.services), all_delegated=model.all_delegated,
                 branches=frozenset(model.branches))


def service(p: ServiceDefinedEvent) -> Service:
    return Service(
        code=p.service_code, agency=p.agency, delegated_to_general=p.delegated_to_general,
        branch=p.branch, inquiries=tuple(Inquiry(i.kind, i.agency) for i in p.inquiries),
        acceptance_sla=timedelta(seconds=p.acceptance_sla_seconds),
        fulfilment_sla=timedelta(seconds=p.fulfilment_sla_seconds),
        inquiry_sla=timedelta(seconds=p.inquiry_sla_seconds), reach=Reach(p.reach),
    )


def to_input(envelope: Any) -> Input:
    """The router input an envelope stands for; TypeError for types the router ignores."""
    eid, p = str(envelope.event_id), envelope.payload
    if isinstance(p, RequestSubmitted):
        return Submitted(eid, p.request_id, p.service_code, p.citizen_national_id,
                         region(p.region), p.channel, p.preferred_office, p.submitted_at)
    if isinstance(p, RequestCancelled):
        return Cancelled(eid, p.request_id, p.by, p.reason or "")
    kind = REPORT_KINDS.get(type(p))
    if kind is not None:
        return Report(
            eid, kind, p.request_id, p.assignment_id, p.office_id, p.attempt,
            reason=getattr(p, "reason", None),
            inquiries=tuple(getattr(p, "inquiries", ())),
        )
    if isinstance(p, InquiryAnsweredEvent):
        return InquiryAnswered(eid, p.inquiry_id, p.request_id, p.kind,
                               p.outcome == "positive", p.detail)
    if isinstance(p, ClockTicked):
        return Ticked(eid, p.now)
    if isinstance(p, ServiceDefinedEvent):
        return ServiceDefined(eid, service(p))
    return LicenceChanged(eid, licence_command(p))


def licence_command(p: Any) -> Any:
    if isinstance(p, LicenceIssued):
        return IssueLicence(
            office_id=p.office_id, licence_id=p.licence_id, kind=OfficeKind(p.kind),
            agency=p.agency, scope=scope(p.scope), region=region(p.region),
            valid_from=p.valid_from, valid_to=p.valid_to, capacity=p.capacity,
        )
    if isinstance(p, LicenceAmended):
        return AmendLicence(
            office_id=p.office_id, licence_id=p.licence_id, scope=scope(p.scope),
            region=region(p.region), valid_from=p.valid_from, valid_to=p.valid_to,
            capacity=p.capacity,
        )
    if isinstance(p, LicenceSuspended):
        return SuspendLicence(p.office_id, p.reason)
    if isinstance(p, LicenceReinstated):
        return ReinstateLicence(p.office_id)
    if isinstance(p, LicenceRevoked):
        return RevokeLicence(p.office_id, p.reason)
    raise TypeError(f"the router does not apply {type(p).__name__}")
