"""Publishing with offset marks, and watching how far the router worker has got.

The day advances in steps. After each step the publisher knows, per topic partition,
the offset just past what it published; the worker's consumer group commits offsets as
it ingests and routes. `WorkerProgress.wait_for` holds the publisher back until the
worker has consumed a given step's marks: simulated time never runs away from the router.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from clients.kafka_security import client_kwargs
from contracts.envelope import Envelope
from contracts.registry import to_bytes
from contracts.topics import topic_name

Marks = dict[TopicPartition, int]


class Publisher:
    """One idempotent producer for the day; remembers the offsets it reached."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.prefix = prefix
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, client_id=f"{prefix}-demo", acks="all",
            enable_idempotence=True, linger_ms=5, request_timeout_ms=30000, **client_kwargs(),
        )
        self._pending: list[asyncio.Future[Any]] = []
        self.marks: Marks = {}
        self.sent = 0

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, topic: str, key: str, envelope: Envelope[Any]) -> None:
        """Queue one envelope for an unprefixed topic; `flush` waits for the broker."""
        await self.send_raw(topic_name(topic, self.prefix), key, to_bytes(envelope))

    async def send_raw(self, full_topic: str, key: str, value: bytes) -> None:
        future = await self._producer.send(full_topic, value, key=key.encode())
        self._pending.append(future)

    async def flush(self) -> Marks:
        """Wait for every queued send; the marks (next offsets) reached so far."""
        pending, self._pending = self._pending, []
        for metadata in await asyncio.gather(*pending):
            tp = TopicPartition(metadata.topic, metadata.partition)
            self.marks[tp] = max(self.marks.get(tp, 0), metadata.offset + 1)
        self.sent += len(pending)
        return dict(self.marks)


class WorkerProgress:
    """The router worker group's committed offsets, polled through the admin API."""

    def __init__(self, bootstrap: str, group: str) -> None:
        self.group = group
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap,
                                          client_id=f"{group}-demo-watch", **client_kwargs())

    async def start(self) -> None:
        await self._admin.start()

    async def stop(self) -> None:
        await self._admin.close()

    async def committed(self) -> Marks:
        """Committed offsets of the worker group and its ingest group (outside topics)."""
        marks: Marks = {}
        for group in (self.group, f"{self.group}-ingest"):
            offsets = await self._admin.list_consumer_group_offsets(group)
            marks.update({tp: m.offset for tp, m in offsets.items() if m.offset >= 0})
        return marks

    async def wait_for(self, marks: Marks, *, check: Callable[[], None],
                       timeout: float = 120.0, poll: float = 0.05) -> float:
        """Until the group has committed at least `marks`; seconds waited."""
        started = time.monotonic()
        while True:
            committed = await self.committed()
            if all(committed.get(tp, 0) >= offset for tp, offset in marks.items()):
                return time.monotonic() - started
            check()
            if time.monotonic() - started > timeout:
                behind = {f"{tp.topic}:{tp.partition}": (committed.get(tp, 0), offset)
                          for tp, offset in marks.items() if committed.get(tp, 0) < offset}
                raise TimeoutError(f"router worker made no progress for {timeout:.0f}s; "
                                   f"(committed, wanted) per partition: {behind}")
            await asyncio.sleep(poll)


async def end_offsets(bootstrap: str, topics: list[str]) -> Marks:
    """The read_committed end offsets (last stable offsets) of every partition of `topics`."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed",
                                enable_auto_commit=False, **client_kwargs())
    await consumer.start()
    try:
        await consumer.topics()  # a fresh metadata fetch
        tps = [TopicPartition(t, p) for t in topics
               for p in sorted(consumer.partitions_for_topic(t) or ())]
        return dict(await consumer.end_offsets(tps)) if tps else {}
    finally:
        await consumer.stop()

