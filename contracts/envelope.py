"""The versioned envelope every event travels in."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Final, Generic, Literal, TypeVar

from pydantic import Field, StringConstraints

from contracts.base import ContractModel, example_of
from contracts.codes import EventId, UtcDatetime

SCHEMA_VERSION: Final = 1
EXAMPLE_EVENT_ID: Final = "0b9f6a2e-8d4c-4f7e-9a51-3c2d1e0f4a6b"
_STABLE_NAMESPACE: Final = uuid.UUID("6f1f4f0e-3c8a-5d2b-9e47-2b8d7c1a0e55")

PayloadT = TypeVar("PayloadT", bound=ContractModel)


class Envelope(ContractModel, Generic[PayloadT]):
    """One event: identity, type, version, time, origin, and the typed payload."""

    event_id: EventId = Field(
        description="Lower-case UUID; the idempotency key (a repeated event_id is a duplicate).",
        examples=[EXAMPLE_EVENT_ID],
    )
    event_type: str = Field(description="The event type.", examples=["request.submitted"])
    schema_version: Literal[1] = Field(
        description="Version of this event type's schema; currently 1.", examples=[1]
    )
    occurred_at: UtcDatetime = Field(
        description="When it happened (RFC 3339 with a timezone; normalised to UTC).",
        examples=["2024-05-01T08:30:00Z"],
    )
    producer: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The system that produced the event.", examples=["intake-web"]
    )
    correlation_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] = Field(
        description="Ties together the events of one business flow (e.g. the request id).",
        examples=["REQ-2024-000123"],
    )
    payload: PayloadT = Field(description="The event itself; its schema depends on event_type.")


def event_type_field(event_type: str) -> Any:
    """The `event_type` field of a concrete envelope class."""
    return Field(description="The event type.", examples=[event_type])


def payload_field(payload: type[ContractModel]) -> Any:
    """The `payload` field of a concrete envelope class, with the payload's example."""
    doc = (payload.__doc__ or "").strip().splitlines()[0]
    return Field(description=f"The event itself: {doc}", examples=[example_of(payload)])


def stable_event_id(*parts: str) -> str:
    """An event id derived from business keys: the same keys always give the same id."""
    return str(uuid.uuid5(_STABLE_NAMESPACE, "\x1f".join(parts)))
