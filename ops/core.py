"""A fresh, dict-backed router core, fed envelope by envelope exactly as the worker is.

`ProbingCore` is a RouterCore that calls a probe just before each routing attempt,
with the state as it stood then (registry, catalog, loads): disputes use it to ask
`explain_office` about any office at the very moment a decision was taken.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.errors import ContractError
from contracts.registry import parse_event
from router import Policy, RoutingRequest
from router.effects import Effect
from router.engine import RouterCore
from router.records import RequestRecord
from streams.translate import to_input

from .logread import ROUTER_TYPES

Probe = Callable[["ProbingCore", RoutingRequest], None]


def max_attempts_from_env() -> int:
    return int(os.environ.get("GOVROUTE_MAX_ATTEMPTS", "").strip() or 3)


class ProbingCore(RouterCore):
    probe: Probe | None = None

    def _route(self, record: RequestRecord, now: datetime, effects: list[Effect]
               ) -> RequestRecord:
        if self.probe is not None and record.attempt + 1 <= self.max_attempts:
            self.probe(self, routing_request(record))
        return super()._route(record, now, effects)


def routing_request(record: RequestRecord) -> RoutingRequest:
    """The request the core is about to route (the next attempt), as `_route` builds it."""
    return RoutingRequest(
        request_id=record.request_id, service_code=record.service_code, region=record.region,
        submitted_at=record.submitted_at, preferred_office=record.preferred_office,
        attempt=record.attempt + 1, excluded=dict(record.excluded),
    )


def fresh_core(policy: Policy, max_attempts: int | None = None) -> ProbingCore:
    return ProbingCore(requests={}, loads={}, licences={}, services={}, clock={}, policy=policy,
                       max_attempts=max_attempts_from_env() if max_attempts is None
                       else max_attempts)


@dataclass(frozen=True, slots=True)
class Applied:
    envelope: Any
    effects: list[Effect]


def apply_raw(core: RouterCore, raw: bytes) -> Applied | None:
    """Apply one router-log record; None for what the worker would dead-letter."""
    try:
        envelope = parse_event(raw, allowed_types=ROUTER_TYPES)
    except ContractError:
        return None
    try:
        event = to_input(envelope)
    except TypeError:
        return None
    return Applied(envelope, core.handle(event, at=envelope.occurred_at))
