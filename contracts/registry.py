"""Reading and writing events: `parse_event`, `to_bytes`, `new_envelope`, `dead_letter_for`.

`parse_event` is the one way in: it refuses anything that breaks the contract with a
`ContractError` carrying the most specific `DeadLetterReason`, never another exception.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Final, TypeVar, cast

import orjson
from pydantic import Field, TypeAdapter, ValidationError

from contracts.base import ContractModel
from contracts.codes import EVENT_ID_PATTERN
from contracts.deadletter import (
    FIELD_MAX_CHARS,
    KEY_MAX_CHARS,
    MESSAGE_MAX_CHARS,
    RAW_EXCERPT_BYTES,
    DeadLetterRecorded,
    DeadLetterSource,
)
from contracts.diagnosis import contract_error
from contracts.envelope import SCHEMA_VERSION, Envelope, stable_event_id
from contracts.errors import ContractError, DeadLetterReason
from contracts.events import ENVELOPE_BY_PAYLOAD, EVENT_TYPES, AnyEnvelope

MAX_EVENT_BYTES: Final = 64 * 1024
R = DeadLetterReason
_EVENT_ID: Final = re.compile(EVENT_ID_PATTERN)
PayloadT = TypeVar("PayloadT", bound=ContractModel)

_ADAPTER: Final[TypeAdapter[AnyEnvelope]] = TypeAdapter(
    Annotated[AnyEnvelope, Field(discriminator="event_type")]
)


def parse_event(raw: bytes, *, allowed_types: frozenset[str] | None = None) -> AnyEnvelope:
    """Parse and validate one event; `allowed_types` are the types its topic carries."""
    if len(raw) > MAX_EVENT_BYTES:
        raise ContractError(
            R.PAYLOAD_TOO_LARGE, f"the event is {len(raw)} bytes; the limit is {MAX_EVENT_BYTES}"
        )
    event_type = _check_header(_load_json(raw), allowed_types)
    try:
        return _ADAPTER.validate_json(raw, strict=True)
    except ValidationError as error:
        raise contract_error(error, strip_tag=event_type) from None


def to_bytes(envelope: Envelope[Any]) -> bytes:
    """The event as compact JSON (timestamps in UTC, ending in 'Z')."""
    return orjson.dumps(envelope.model_dump(mode="json"))


def new_envelope(
    payload: PayloadT,
    *,
    producer: str,
    occurred_at: datetime,
    correlation_id: str | None = None,
    event_id: str | None = None,
) -> Envelope[PayloadT]:
    """Wrap a payload; event_type comes from the payload class, the correlation id
    defaults to the payload's request_id (or else the event id)."""
    envelope_class = ENVELOPE_BY_PAYLOAD[type(payload)]
    event_id = event_id or str(uuid.uuid4())
    request_id = getattr(payload, "request_id", None)
    envelope = envelope_class(
        event_id=event_id,
        event_type=type(payload).event_type,  # type: ignore[attr-defined]
        schema_version=SCHEMA_VERSION,
        occurred_at=occurred_at,
        producer=producer,
        correlation_id=correlation_id or request_id or event_id,
        payload=payload,
    )
    return cast("Envelope[PayloadT]", envelope)


def dead_letter_for(
    raw: bytes,
    error: ContractError,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | str | None,
    at: datetime,
    producer: str = "router",
) -> Envelope[DeadLetterRecorded]:
    """The `deadletter.recorded` event for refused input; its id is stable per source offset."""
    header = _readable_header(raw)
    payload = DeadLetterRecorded(
        reason_code=error.reason,
        message=_clip(error.message, MESSAGE_MAX_CHARS) or str(error.reason),
        field=None if error.field is None else _clip(error.field, FIELD_MAX_CHARS),
        raw=raw[:RAW_EXCERPT_BYTES].decode("utf-8", errors="replace"),
        raw_size=len(raw),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        source=DeadLetterSource(topic=topic, partition=partition, offset=offset, key=_text(key)),
        event_id=header.get("event_id"),
        at=at,
    )
    event_id = stable_event_id("deadletter", topic, str(partition), str(offset))
    correlation = header.get("correlation_id") or header.get("event_id") or event_id
    return new_envelope(
        payload, producer=producer, occurred_at=at, correlation_id=correlation, event_id=event_id
    )


def _load_json(raw: bytes) -> object:
    try:
        return cast(object, orjson.loads(raw))
    except orjson.JSONDecodeError as error:
        raise ContractError(R.MALFORMED_JSON, f"not valid UTF-8 JSON: {error}") from None


def _check_header(document: object, allowed_types: frozenset[str] | None) -> str:
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise ContractError(R.NOT_AN_OBJECT, f"an event is a JSON object, not a {kind}")
    version = document.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ContractError(R.WRONG_TYPE, "schema_version is an integer", "schema_version")
    if version != SCHEMA_VERSION:
        raise ContractError(
            R.UNSUPPORTED_SCHEMA_VERSION,
            f"schema_version {version} is not supported; send {SCHEMA_VERSION}",
            "schema_version",
        )
    if "event_type" not in document:
        raise ContractError(R.MISSING_FIELD, "event_type: required field is missing", "event_type")
    event_type = document["event_type"]
    if not isinstance(event_type, str):
        raise ContractError(R.WRONG_TYPE, "event_type is a string", "event_type")
    if event_type not in EVENT_TYPES:
        known = ", ".join(sorted(EVENT_TYPES))
        raise ContractError(
            R.UNKNOWN_EVENT_TYPE,
            f"unknown event_type {event_type[:64]!r}; known types: {known}",
            "event_type",
        )
    if allowed_types is not None and event_type not in allowed_types:
        allowed = ", ".join(sorted(allowed_types))
        raise ContractError(
            R.UNEXPECTED_EVENT_TYPE,
            f"{event_type} does not belong on this topic; it carries: {allowed}",
            "event_type",
        )
    return event_type


def _readable_header(raw: bytes) -> dict[str, str]:
    """event_id and correlation_id of refused input, where they are well-formed."""
    if len(raw) > MAX_EVENT_BYTES:
        return {}
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(document, dict):
        return {}
    header: dict[str, str] = {}
    event_id = document.get("event_id")
    if isinstance(event_id, str) and _EVENT_ID.match(event_id):
        header["event_id"] = event_id
    correlation = document.get("correlation_id")
    if isinstance(correlation, str) and 0 < len(correlation) <= 128:
        header["correlation_id"] = correlation
    return header


def _text(key: bytes | str | None) -> str | None:
    if key is None:
        return None
    text = key.decode("utf-8", errors="replace") if isinstance(key, bytes) else key
    return text[:KEY_MAX_CHARS]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
