"""The fingerprint of everything a decision was computed from.

`inputs_digest` is the sha256 of the canonical JSON of
`{"loads", "offices", "policy", "request", "service"}`: the request, the service,
the licence of every office considered (null if unknown), their loads, and the
policy's version and parameters. Licences are serialised once, when the registry
applies a command, and spliced in here, so a digest costs O(offices considered).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

from router.canonical import canonical_json, request_plain, service_plain
from router.catalog import Service
from router.policy import Policy
from router.registry import OfficeRegistry
from router.requests import RoutingRequest


def inputs_digest(
    request: RoutingRequest,
    service: Service,
    registry: OfficeRegistry,
    considered: Iterable[str],
    load: Mapping[str, int],
    policy: Policy,
) -> str:
    return hashlib.sha256(
        inputs_document(request, service, registry, considered, load, policy).encode()
    ).hexdigest()


def inputs_document(
    request: RoutingRequest,
    service: Service,
    registry: OfficeRegistry,
    considered: Iterable[str],
    load: Mapping[str, int],
    policy: Policy,
) -> str:
    """The canonical JSON text the digest is taken of (exposed for disputes and tests)."""
    office_ids = sorted(considered)
    loads = canonical_json({office_id: load.get(office_id, 0) for office_id in office_ids})
    offices = ",".join([registry.canonical_member(office_id) for office_id in office_ids])
    return (
        f'{{"loads":{loads},"offices":{{{offices}}},"policy":{policy.canonical()},'
        f'"request":{canonical_json(request_plain(request))},'
        f'"service":{_service_json(service)}}}'
    )


@lru_cache(maxsize=4096)
def _service_json(service: Service) -> str:
    return canonical_json(service_plain(service))
