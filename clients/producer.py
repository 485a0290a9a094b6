"""The one Kafka producer the clients share: acks=all, idempotent, JSON envelopes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaProducer

from clients.kafka_security import client_kwargs
from contracts.envelope import Envelope
from contracts.registry import to_bytes
from contracts.topics import DEFAULT_PREFIX, topic_name


class EnvelopeProducer:
    """Publishes validated envelopes to the project's topics; an async context manager."""

    def __init__(self, bootstrap: str, prefix: str = DEFAULT_PREFIX, *, client_id: str) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            request_timeout_ms=30000,
            **client_kwargs(),
        )

    async def __aenter__(self) -> Self:
        await self._producer.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._producer.stop()

    async def partitions_for(self, full_topic: str) -> set[int]:
        """The partitions of an existing topic (full name), from fresh metadata."""
        return set(await self._producer.partitions_for(full_topic))

    def topic(self, name: str) -> str:
        return topic_name(name, self.prefix)

    async def send(self, topic: str, key: str, envelope: Envelope[Any]) -> str:
        """Publish one envelope (unprefixed topic name) and wait for the broker; its event id."""
        await self._producer.send_and_wait(self.topic(topic), to_bytes(envelope), key=key.encode())
        return envelope.event_id

    async def send_many(self, topic: str, items: Iterable[tuple[str, Envelope[Any]]]) -> int:
        """Publish many envelopes pipelined, then wait for all acknowledgements; how many."""
        futures = [
            await self._producer.send(self.topic(topic), to_bytes(env), key=key.encode())
            for key, env in items
        ]
        await asyncio.gather(*futures)
        return len(futures)
