"""Ingestion: validate what outsiders publish, dead-letter the bad, sequence the good.

Intake systems, offices, agencies and the regulator each publish to their own
topic. An ingest agent parses every message against the contracts; a message that
fails goes to the dead-letter topic with its reason code (never dropped, never
crashing the worker); a valid one is forwarded, byte for byte, to the router log,
the single ordered input of the routing agent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts.errors import ContractError
from contracts.registry import dead_letter_for, parse_event, to_bytes

from . import metrics
from .logs import get_logger

log = get_logger(__name__)

Send = Callable[[bytes, bytes], Awaitable[Any]]


@dataclass(frozen=True)
class Source:
    """Where a raw message came from, for the dead-letter record."""

    topic: str
    partition: int
    offset: int
    key: bytes | None


def _key_text(key: bytes | None) -> str | None:
    if key is None:
        return None
    return key.decode("utf-8", errors="replace")[:256]


async def ingest_one(
    raw: bytes,
    source: Source,
    *,
    allowed_types: frozenset[str],
    forward: Send,
    dead_letter: Send,
    now: datetime | None = None,
) -> bool:
    """Forward one valid message to the router log, or dead-letter it. True if forwarded."""
    try:
        envelope = parse_event(raw, allowed_types=allowed_types)
    except ContractError as error:
        record = dead_letter_for(
            raw, error,
            topic=source.topic, partition=source.partition, offset=source.offset,
            key=_key_text(source.key), at=now or datetime.now(UTC),
        )
        metrics.DEAD_LETTERS.labels(reason=error.reason.value).inc()
        log.warning(
            "input refused", reason=error.reason.value, field=error.field,
            topic=source.topic, partition=source.partition, offset=source.offset,
        )
        await dead_letter(source.key or record.event_id.encode(), to_bytes(record))
        return False
    key = source.key or _routing_key(envelope).encode()
    await forward(key, raw)
    return True


def _routing_key(envelope: Any) -> str:
    payload = envelope.payload
    for attr in ("request_id", "office_id", "service_code"):
        value = getattr(payload, attr, None)
        if value:
            return str(value)
    return str(envelope.event_id)
