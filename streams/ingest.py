"""Ingestion: validate what outsiders publish, dead-letter the bad, sequence the good.

Intake systems, offices, agencies and the regulator each publish to their own
topic. An ingest agent parses every message against the contracts; a message that
fails goes to the dead-letter topic with its reason code (never dropped, never
crashing the worker); a valid one is forwarded, byte for byte, to the router log,
the single ordered input of the routing agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from mode import Service

from clients.kafka_security import client_kwargs
from contracts.errors import ContractError
from contracts.registry import dead_letter_for, parse_event, to_bytes

from . import metrics
from .config import Settings
from .logs import get_logger
from .loops import rewind_to_committed, run_forever

log = get_logger(__name__)

Send = Callable[[bytes, bytes], Awaitable[Any]]

#: a batch's sends not acknowledged by then are treated as failed (and the batch re-read)
SEND_TIMEOUT_S = 60.0


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
) -> Any:
    """Forward one valid message to the router log, or dead-letter it.

    Returns what the send returned (with an aiokafka producer: the delivery future)."""
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
        return await dead_letter(source.key or record.event_id.encode(), to_bytes(record))
    key = source.key or _routing_key(envelope).encode()
    return await forward(key, raw)


def _routing_key(envelope: Any) -> str:
    payload = envelope.payload
    for attr in ("request_id", "office_id", "service_code"):
        value = getattr(payload, attr, None)
        if value:
            return str(value)
    return str(envelope.event_id)


#: What each outside topic may carry (unprefixed topic name -> event types).
INGEST: dict[str, frozenset[str]] = {
    "requests": frozenset({"request.submitted", "request.cancelled"}),
    "fulfilment": frozenset({
        "fulfilment.accepted", "fulfilment.rejected", "fulfilment.awaiting_inquiry",
        "fulfilment.fulfilled",
    }),
    "inquiry-results": frozenset({"inquiry.answered"}),
    "licences": frozenset({
        "licence.issued", "licence.amended", "licence.suspended", "licence.reinstated",
        "licence.revoked",
    }),
    "catalog": frozenset({"catalog.service_defined"}),
}


class Ingest(Service):
    """Validate what outsiders publish and sequence it into the router log, at least once.

    A plain consumer group and an idempotent producer: each fetched batch is validated,
    forwarded (or dead-lettered), every send is acknowledged, and only then are the input
    offsets committed. A repeat after a crash reaches the router with the same event id,
    which it refuses as a duplicate. (This stage was a set of Faust agents; under
    exactly_once, faust-streaming put their sends in other partitions' transactions and,
    after rebalances, sometimes left an input partition unconsumed.)
    """

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.allowed = {settings.topic(name): types for name, types in INGEST.items()}
        self.router_log = settings.topic("router-log")
        self.deadletter = settings.topic("deadletter")
        self.consumer: AIOKafkaConsumer | None = None
        self.producer: AIOKafkaProducer | None = None
        self.ingested = 0

    async def on_start(self) -> None:
        self.producer = AIOKafkaProducer(bootstrap_servers=self.settings.bootstrap, acks="all",
                                         enable_idempotence=True, linger_ms=2, **client_kwargs())
        await self.producer.start()
        self.consumer = AIOKafkaConsumer(
            *self.allowed, bootstrap_servers=self.settings.bootstrap,
            group_id=f"{self.settings.app_id}-ingest", enable_auto_commit=False,
            auto_offset_reset="earliest", isolation_level="read_committed",
            max_poll_records=500, session_timeout_ms=10_000, heartbeat_interval_ms=2_000,
            **client_kwargs(),
        )
        await self.consumer.start()
        self.add_future(self._run())

    async def on_stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()
        if self.producer is not None:
            await self.producer.stop()

    async def _run(self) -> None:
        # A batch whose sends or commit failed (most often: the group rebalanced while this
        # worker was paused) is read again from the committed offsets; what was already
        # forwarded reaches the router twice with the same event id, and it refuses the repeat.
        await run_forever(self, "ingest", self._step, self._rewind,
                          why="ingest batch not committed; reading it again")

    async def _step(self) -> None:
        assert self.consumer is not None
        batch = await self.consumer.getmany(timeout_ms=200, max_records=500)
        if not batch:
            return
        deliveries = []
        for tp, messages in batch.items():
            for m in messages:
                deliveries.append(await ingest_one(
                    m.value or b"", Source(m.topic, m.partition, m.offset, m.key),
                    allowed_types=self.allowed[tp.topic], forward=self._forward,
                    dead_letter=self._dead_letter,
                ))
        # every send acknowledged before the commit
        await asyncio.wait_for(asyncio.gather(*deliveries), SEND_TIMEOUT_S)
        await self.consumer.commit({tp: ms[-1].offset + 1 for tp, ms in batch.items()})
        self.ingested += len(deliveries)

    async def _rewind(self) -> None:
        assert self.consumer is not None
        await rewind_to_committed(self.consumer, self.consumer.assignment())

    async def _forward(self, key: bytes, value: bytes) -> Any:
        assert self.producer is not None
        return await self.producer.send(self.router_log, key=key, value=value)

    async def _dead_letter(self, key: bytes, value: bytes) -> Any:
        assert self.producer is not None
        return await self.producer.send(self.deadletter, key=key, value=value)
