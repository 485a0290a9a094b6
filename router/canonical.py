"""Plain, JSON-able forms of the domain's inputs, and their canonical JSON text.

Canonical JSON: sorted keys, no whitespace, ASCII escapes, instants as ISO UTC.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from router.catalog import Service
from router.instants import iso_utc
from router.licences import Licence
from router.regions import Region
from router.requests import RoutingRequest

Plain = dict[str, Any]


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_json(value: object) -> str:
    return _ENCODER.encode(value)


def region_plain(region: Region) -> Plain:
    return {"province": region.province, "city": region.city}


def licence_plain(licence: Licence) -> Plain:
    return {
        "office_id": licence.office_id,
        "licence_id": licence.licence_id,
        "kind": licence.kind.value,
        "agency": licence.agency,
        "scope": {
            "services": sorted(licence.scope.services),
            "all_delegated": licence.scope.all_delegated,
            "branches": sorted(licence.scope.branches),
        },
        "region": region_plain(licence.region),
        "valid_from": iso_utc(licence.valid_from),
        "valid_to": iso_utc(licence.valid_to),
        "capacity": licence.capacity,
        "status": licence.status.value,
        "status_reason": licence.status_reason,
    }


def service_plain(service: Service) -> Plain:
    return {
        "code": service.code,
        "agency": service.agency,
        "delegated_to_general": service.delegated_to_general,
        "branch": service.branch,
        "inquiries": [{"kind": i.kind, "agency": i.agency} for i in service.inquiries],
        "acceptance_sla_s": _seconds(service.acceptance_sla),
        "fulfilment_sla_s": _seconds(service.fulfilment_sla),
        "inquiry_sla_s": _seconds(service.inquiry_sla),
        "reach": service.reach.value,
    }


def request_plain(request: RoutingRequest) -> Plain:
    return {
        "request_id": request.request_id,
        "service_code": request.service_code,
        "region": region_plain(request.region),
        "submitted_at": iso_utc(request.submitted_at),
        "preferred_office": request.preferred_office,
        "attempt": request.attempt,
        "excluded": {office: reason.value for office, reason in request.excluded.items()},
    }


def _seconds(span: timedelta) -> int | float:
    seconds = span.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds
