"""Ingestion: validate what outsiders publish, dead-letter the bad, sequence the good.

Intake systems, offices, agencies and the regulator each publish to their own
topic. An ingest agent parses every message against the contracts; a message that
fails goes to the dead-letter topic with its reason code (never dropped, never
crashing the worker); a valid one is forwarded, byte for byte, to the router log,
the single ordered input of the routing agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from mode import Service

from contracts.errors import ContractError
from contracts.registry import dead_letter_for, parse_event, to_bytes

from . import metrics
from .config import Settings
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


def ingest_agent(name: str, allowed: frozenset[str], forwarder: Forwarder
                 ) -> Callable[[Any], Coroutine[Any, Any, None]]:
    """The Faust agent body for one outside topic: validate, forward or dead-letter."""

    async def ingest(stream: Any) -> None:
        async for event in stream.events():
            m = event.message
            await ingest_one(event.value or b"", Source(m.topic, m.partition, m.offset, m.key),
                             allowed_types=allowed, forward=forwarder.forward,
                             dead_letter=forwarder.dead_letter)

    ingest.__name__ = f"ingest_{name.replace('-', '_')}"
    return ingest


class Forwarder(Service):
    """The ingest agents' own producer: idempotent, acks=all, outside Faust's transactions.

    Faust would put a send in the transaction of the *destination's* partition group,
    which another worker may own; ingest instead sends plainly and waits for the ack
    before its input offset can be committed (at least once). A repeat after a crash
    reaches the router with the same event id, which the router refuses as a duplicate.
    """

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.router_log = settings.topic("router-log")
        self.deadletter = settings.topic("deadletter")
        self.producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()

    async def _producer(self) -> AIOKafkaProducer:
        """Started on first use: agents may get a message before extra services start."""
        async with self._starting:
            if self.producer is None:
                producer = AIOKafkaProducer(bootstrap_servers=self.settings.bootstrap,
                                            acks="all", enable_idempotence=True, linger_ms=2)
                await producer.start()
                self.producer = producer
        return self.producer

    async def on_stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def forward(self, key: bytes, value: bytes) -> None:
        await (await self._producer()).send_and_wait(self.router_log, key=key, value=value)

    async def dead_letter(self, key: bytes, value: bytes) -> None:
        await (await self._producer()).send_and_wait(self.deadletter, key=key, value=value)
