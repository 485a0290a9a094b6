"""The outbox relay: moves the router's outputs to their topics, exactly once.

faust-streaming only puts a send into a Kafka transaction when the app itself
consumes the destination topic, so the route agent writes every output to the
router outbox (which the app consumes) inside the same transaction as its table
changelogs and its router-log offset. This relay reads the outbox read_committed and,
in transactions of its own, produces each frame of each record to its topic (see
streams/outbox.py) and commits its outbox offset with them. A crash anywhere leaves either both
the message and the offset or neither: no output is lost or emitted twice.

Only the group member that owns the outbox partition holds the transactional
producer; a new owner's `init_transactions` fences a zombie predecessor.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from mode import Service

from clients.kafka_security import client_kwargs

from .config import Settings
from .logs import get_logger
from .loops import rewind_to_committed, run_forever
from .outbox import (
    FORMAT,
    FRAMES_V1,
    Frame,
    FrameKind,
    OutboxFormatError,
    deliver,
    open_topic,
    unpack,
)

log = get_logger(__name__)

#: Headers of the outbox layout before frames-1 (one output per record), still read.
DESTINATION = "destination"
CONTROL = "control"
OPEN_TOPIC = b"open-topic"
#: a batch not relayed by then is abandoned and read again with a fresh producer
RELAY_TIMEOUT_S = 60.0


class _Ownership(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, relay: OutboxRelay) -> None:
        self.relay = relay

    async def on_partitions_revoked(self, revoked: Any) -> None:
        await self.relay.release()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        if assigned:
            await self.relay.acquire()


class OutboxRelay(Service):
    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.outbox = settings.topic("router-outbox")
        self.group = f"{settings.app_id}-relay"
        self.consumer: AIOKafkaConsumer | None = None
        self.producer: AIOKafkaProducer | None = None
        self.admin: AIOKafkaAdminClient | None = None
        self._existing: set[str] = set()
        self.records = 0  # outbox records relayed (the watchdog's progress counter)

    async def on_start(self) -> None:
        self.admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.bootstrap,
                                         **client_kwargs())
        await self.admin.start()
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap, group_id=self.group,
            isolation_level="read_committed", enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=500, **client_kwargs(),
        )
        self.consumer.subscribe([self.outbox], listener=_Ownership(self))
        await self.consumer.start()
        self.add_future(self._run())

    async def on_stop(self) -> None:
        await self.release()
        if self.consumer is not None:
            await self.consumer.stop()
        if self.admin is not None:
            await self.admin.close()

    async def acquire(self) -> None:
        if self.producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.settings.bootstrap, acks="all",
                transactional_id=f"{self.group}-{self.outbox}", enable_idempotence=True,
                linger_ms=2, **client_kwargs(),
            )
            await producer.start()  # init_transactions: fences any zombie owner
            self.producer = producer
            log.info("outbox relay active", outbox=self.outbox)

    async def release(self) -> None:
        producer, self.producer = self.producer, None
        if producer is not None:
            await producer.stop()

    async def _run(self) -> None:
        # Whatever failed, start again from the committed offset with a fresh producer (a
        # rebalance may have stopped the old one in the middle of a transaction).
        await run_forever(self, "relay", self._step, self._restart,
                          why="outbox relay failed, retrying from committed")

    async def _restart(self) -> None:
        if self.consumer is not None:
            await self._rewind(list(self.consumer.assignment()))

    async def _step(self) -> None:
        assert self.consumer is not None
        batch = await self.consumer.getmany(timeout_ms=200, max_records=500)
        if not batch:
            return
        if self.producer is None:  # not (yet) the owner: never skip what was fetched
            await self._rewind(list(batch))
            await asyncio.sleep(0.2)
            return
        # bounded: a producer stopped by a rebalance in the middle of a transaction can
        # leave its sends waiting for ever
        await asyncio.wait_for(self._relay(batch), RELAY_TIMEOUT_S)
        self.records += sum(len(messages) for messages in batch.values())

    async def _relay(self, batch: dict[TopicPartition, list[Any]]) -> None:
        producer = self.producer
        assert producer is not None
        frames = [frame for messages in batch.values() for m in messages for frame in _frames(m)]
        await self._ensure_topics({frame.topic for frame in frames})
        async with producer.transaction():
            for frame in frames:
                if frame.kind is FrameKind.DELIVER:  # OPEN_TOPIC: created above
                    await producer.send(frame.topic, key=frame.key, value=frame.value)
            await producer.send_offsets_to_transaction(
                {tp: messages[-1].offset + 1 for tp, messages in batch.items()}, self.group
            )

    async def _rewind(self, partitions: list[TopicPartition]) -> None:
        """Back to the last committed outbox offset, with a fresh producer."""
        assert self.consumer is not None
        await self.release()
        await rewind_to_committed(self.consumer, partitions)
        if self.consumer.assignment():
            await self.acquire()

    async def _ensure_topics(self, names: set[str]) -> None:
        """Per-office and per-agency topics are created on first use, one partition each."""
        missing = [n for n in names - self._existing if ".office." in n or ".agency." in n]
        if missing and self.admin is not None:
            # Existing topics come back as per-topic errors, not exceptions; a topic that
            # really could not be made fails the send below, and the batch is retried.
            await self.admin.create_topics([
                NewTopic(n, 1, 1, topic_configs={"retention.ms": "-1"}) for n in missing
            ])
        self._existing |= names


def _frames(message: Any) -> list[Frame]:
    """The frames of one outbox record, in either layout (see streams/outbox.py)."""
    if _header(message, FORMAT) == FRAMES_V1:
        return list(unpack(message.value or b""))
    destination = _header(message, DESTINATION)  # one output per record (before frames-1)
    if destination is None:
        raise OutboxFormatError(f"outbox record at offset {message.offset} has no frames "
                                "and no destination")
    if _header(message, CONTROL) == OPEN_TOPIC:
        return [open_topic(destination.decode())]
    return [deliver(destination.decode(), message.key or b"", message.value or b"")]


def _header(message: Any, wanted: str) -> bytes | None:
    for name, value in message.headers or ():
        if name == wanted:
            return bytes(value)
    return None
