"""Small builders for routing tests: one place that knows how to make valid inputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from router import (
    Catalog,
    ExclusionReason,
    Inquiry,
    IssueLicence,
    LicenceCommand,
    OfficeKind,
    OfficeRegistry,
    Reach,
    Region,
    RoutingRequest,
    Scope,
    Service,
)

T0 = datetime(2026, 11, 27, 10, 5, tzinfo=UTC)
TEHRAN = Region("Tehran", "Tehran")
REY = Region("Tehran", "Rey")
ISFAHAN = Region("Isfahan", "Isfahan")


def service(
    code: str = "S-PASSPORT",
    *,
    agency: str = "police",
    delegated: bool = True,
    branch: str | None = None,
    reach: Reach = Reach.NATIONAL,
) -> Service:
    return Service(
        code=code,
        agency=agency,
        delegated_to_general=delegated,
        branch=branch,
        inquiries=(Inquiry("identity", "civil-registry"),),
        acceptance_sla=timedelta(hours=1),
        fulfilment_sla=timedelta(days=3),
        inquiry_sla=timedelta(hours=4),
        reach=reach,
    )


def issue(
    office_id: str,
    *,
    kind: OfficeKind = OfficeKind.GENERAL,
    agency: str | None = None,
    services: Iterable[str] = (),
    all_delegated: bool = True,
    branches: Iterable[str] = (),
    region: Region = TEHRAN,
    valid_from: datetime = T0 - timedelta(days=30),
    valid_to: datetime = T0 + timedelta(days=365),
    capacity: int = 10,
) -> IssueLicence:
    return IssueLicence(
        office_id=office_id,
        licence_id=f"L-{office_id}",
        kind=kind,
        agency=agency,
        scope=Scope(frozenset(services), all_delegated, frozenset(branches)),
        region=region,
        valid_from=valid_from,
        valid_to=valid_to,
        capacity=capacity,
    )


def agency_office(office_id: str, agency: str = "police", **kwargs: object) -> IssueLicence:
    return issue(office_id, kind=OfficeKind.AGENCY, agency=agency, **kwargs)  # type: ignore[arg-type]


def registry_of(*commands: LicenceCommand) -> OfficeRegistry:
    registry = OfficeRegistry()
    for command in commands:
        registry.apply(command)
    return registry


def catalog_of(*services: Service) -> Catalog:
    return Catalog.of(*(services or (service(),)))


def request(
    service_code: str = "S-PASSPORT",
    *,
    region: Region = TEHRAN,
    at: datetime = T0,
    preferred: str | None = None,
    excluded: Mapping[str, ExclusionReason] | None = None,
    request_id: str = "R-1",
    attempt: int = 1,
) -> RoutingRequest:
    return RoutingRequest(
        request_id=request_id,
        service_code=service_code,
        region=region,
        submitted_at=at,
        preferred_office=preferred,
        attempt=attempt,
        excluded=excluded or {},
    )
