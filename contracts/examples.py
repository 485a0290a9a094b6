"""A complete, valid example event of every type (used by the schemas, AsyncAPI and tests)."""

from __future__ import annotations

from typing import Any, Final

from contracts.base import example_of
from contracts.envelope import EXAMPLE_EVENT_ID, SCHEMA_VERSION
from contracts.events import PAYLOAD_BY_TYPE

_PRODUCER_BY_FAMILY: Final = {
    "catalog": "civil-registry",
    "licence": "regulator",
    "request": "intake-web",
    "fulfilment": "office-GEN-00042",
}
_PRODUCER_BY_TYPE: Final = {
    "request.state_changed": "router",
    "inquiry.answered": "civil-registry",
}


def example_envelope(event_type: str) -> dict[str, Any]:
    """A valid example event of `event_type`, as JSON-ready data."""
    family = event_type.split(".", 1)[0]
    producer = _PRODUCER_BY_TYPE.get(event_type) or _PRODUCER_BY_FAMILY.get(family, "router")
    return {
        "event_id": EXAMPLE_EVENT_ID,
        "event_type": event_type,
        "schema_version": SCHEMA_VERSION,
        "occurred_at": "2024-05-01T08:30:00Z",
        "producer": producer,
        "correlation_id": "REQ-2024-000123",
        "payload": example_of(PAYLOAD_BY_TYPE[event_type]),
    }
