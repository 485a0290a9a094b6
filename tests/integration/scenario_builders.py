"""Contract payloads for scenario tests, with sensible defaults and valid national ids."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.catalog import InquiryRequirement, ServiceDefined
from contracts.fulfilment import (
    FulfilmentAccepted,
    FulfilmentFulfilled,
    FulfilmentRejected,
)
from contracts.inquiries import InquiryAnswered
from contracts.licences import LicenceIssued, LicenceScope, LicenceSuspended
from contracts.national_id import check_digit
from contracts.region import Region
from contracts.requests import RequestCancelled, RequestSubmitted

DAY = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def national_id(seed: str) -> str:
    digits = str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:9]
    if len(set(digits)) == 1:
        digits = "123456789"
    return digits + str(check_digit(digits))


def region(city: str = "23-001") -> Region:
    return Region(province=city[:2], city=city)


def service(code: str = "CIV-101", agency: str = "civil-registry", *, delegated: bool = True,
            reach: str = "city", inquiries: tuple[tuple[str, str], ...] = (),
            accept_s: int = 600, fulfil_s: int = 86400, inquiry_s: int = 3600,
            branch: str | None = None) -> ServiceDefined:
    return ServiceDefined(
        service_code=code, agency=agency, name=f"Service {code}", delegated_to_general=delegated,
        branch=branch, inquiries=tuple(InquiryRequirement(kind=k, agency=a) for k, a in inquiries),
        acceptance_sla_seconds=accept_s, fulfilment_sla_seconds=fulfil_s,
        inquiry_sla_seconds=inquiry_s, reach=reach,
    )


def licence(office_id: str, *, kind: str = "general", agency: str | None = None,
            city: str = "23-001", capacity: int = 10, services: tuple[str, ...] = (),
            all_delegated: bool = True, valid_from: datetime | None = None,
            valid_to: datetime | None = None) -> LicenceIssued:
    return LicenceIssued(
        office_id=office_id, licence_id=f"LIC-{office_id}", kind=kind, agency=agency,
        scope=LicenceScope(services=services, all_delegated=all_delegated, branches=()),
        region=region(city), valid_from=valid_from or DAY - timedelta(days=30),
        valid_to=valid_to or DAY + timedelta(days=365), capacity=capacity,
    )


def suspended(office_id: str, reason: str = "inspection") -> LicenceSuspended:
    return LicenceSuspended(office_id=office_id, reason=reason)


def request(request_id: str, service_code: str = "CIV-101", *, city: str = "23-001",
            at: datetime = DAY, preferred: str | None = None) -> RequestSubmitted:
    return RequestSubmitted(
        request_id=request_id, service_code=service_code,
        citizen_national_id=national_id(request_id), region=region(city), channel="web",
        preferred_office=preferred, submitted_at=at,
    )


def cancelled(request_id: str, reason: str = "no longer needed") -> RequestCancelled:
    return RequestCancelled(request_id=request_id, by="citizen", reason=reason)


def report(kind: str, assignment: Any, **extra: Any) -> Any:
    """A fulfilment report for an `assignment.made` payload."""
    common = dict(request_id=assignment.request_id, assignment_id=assignment.assignment_id,
                  office_id=assignment.office_id, attempt=assignment.attempt)
    model = {"accepted": FulfilmentAccepted, "rejected": FulfilmentRejected,
             "fulfilled": FulfilmentFulfilled}[kind]
    if kind == "rejected":
        extra = {"reason": "NO_STAFF", "note": "short of staff", **extra}
    if kind == "fulfilled":
        extra = {"reference": f"REF-{assignment.request_id}", **extra}
    return model(**common, **extra)


def answered(inquiry: Any, outcome: str = "positive") -> InquiryAnswered:
    return InquiryAnswered(inquiry_id=inquiry.inquiry_id, request_id=inquiry.request_id,
                           kind=inquiry.kind, agency=inquiry.agency, outcome=outcome,
                           detail=f"{inquiry.kind} {outcome}")
