"""Reading the one-partition audit topics (router log, decisions) with bounded memory.

`read_topic` streams the committed records of partition 0 of a topic from an offset
up to the end offset seen when it started (a snapshot: records produced later are not
read), in batches of at most `batch` records, so memory stays bounded however long
the topic is. It reads with isolation_level=read_committed: records of aborted
transactions (a worker that crashed mid-batch) are never seen, exactly as the
router's own consumers would not see them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from clients.kafka_security import client_kwargs
from contracts.topics import spec, topic_name

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"

# The event types the router applies from its log (the same list the worker allows).
ROUTER_TYPES: frozenset[str] = frozenset(spec("router-log").messages)


@dataclass(frozen=True, slots=True)
class Record:
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Endpoints:
    bootstrap: str
    prefix: str

    def topic(self, name: str) -> str:
        return topic_name(name, self.prefix)


def endpoints(prefix: str | None = None, bootstrap: str | None = None) -> Endpoints:
    """From the arguments, else GOVROUTE_KAFKA_BOOTSTRAP / GOVROUTE_TOPIC_PREFIX."""
    from infra.settings import load_settings

    settings = load_settings()
    boot = bootstrap or os.environ.get("GOVROUTE_KAFKA_BOOTSTRAP", "").strip()
    return Endpoints(bootstrap=boot or settings.kafka_bootstrap or DEFAULT_BOOTSTRAP,
                     prefix=prefix if prefix is not None else settings.topic_prefix)


async def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, isolation_level="read_committed", group_id=None,
        enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=500,
        **client_kwargs(),
    )
    await consumer.start()
    return consumer


async def end_offset(bootstrap: str, topic: str) -> int:
    """The topic's (last stable) end offset now."""
    consumer = await _consumer(bootstrap)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        return int((await consumer.end_offsets([tp]))[tp])
    finally:
        await consumer.stop()


async def offset_for_time(bootstrap: str, topic: str, at: datetime) -> int:
    """The first offset whose broker timestamp is at or after `at` (end offset if none)."""
    consumer = await _consumer(bootstrap)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        found = await consumer.offsets_for_times({tp: int(at.timestamp() * 1000)})
        hit = found.get(tp)
        if hit is None:
            return int((await consumer.end_offsets([tp]))[tp])
        return int(hit.offset)
    finally:
        await consumer.stop()


async def read_topic(bootstrap: str, topic: str, *, start: int = 0, stop: int | None = None,
                     batch: int = 500, idle_timeout_s: float = 10.0) -> AsyncIterator[Record]:
    """Committed records of partition 0 in [start, stop), stop = the end offset at start."""
    consumer = await _consumer(bootstrap)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        end = int((await consumer.end_offsets([tp]))[tp])
        stop = end if stop is None else min(stop, end)
        if start >= stop:
            return
        consumer.seek(tp, start)
        idle = 0.0
        while await consumer.position(tp) < stop:
            got = await consumer.getmany(tp, timeout_ms=500, max_records=batch)
            messages = got.get(tp, [])
            if not messages:
                idle += 0.5
                if idle >= idle_timeout_s:  # only control records left, or a stalled broker
                    return
                continue
            idle = 0.0
            for m in messages:
                if m.offset >= stop:
                    return
                yield Record(m.offset, m.timestamp, m.key, m.value)
    finally:
        await consumer.stop()
