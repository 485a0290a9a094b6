"""The events the router core applies, as plain domain values (no wire format here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from router.catalog import Service
from router.commands import LicenceCommand
from router.regions import Region


@dataclass(frozen=True, slots=True)
class Submitted:
    event_id: str
    request_id: str
    service_code: str
    citizen_national_id: str
    region: Region
    channel: str
    preferred_office: str | None
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class Cancelled:
    event_id: str
    request_id: str
    by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    """What an office says about a request it holds."""

    event_id: str
    kind: str  # "accepted" | "rejected" | "awaiting_inquiry" | "fulfilled"
    request_id: str
    assignment_id: str
    office_id: str
    attempt: int
    reason: str | None = None
    inquiries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InquiryAnswered:
    event_id: str
    inquiry_id: str
    request_id: str
    kind: str
    positive: bool
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Ticked:
    event_id: str
    now: datetime


@dataclass(frozen=True, slots=True)
class LicenceChanged:
    event_id: str
    command: LicenceCommand


@dataclass(frozen=True, slots=True)
class ServiceDefined:
    event_id: str
    service: Service


Input = Submitted | Cancelled | Report | InquiryAnswered | Ticked | LicenceChanged | ServiceDefined
