"""The worker's clock: publishes `clock.ticked` to the router log.

Ticks are the router's only source of "now" (timeouts are decided by them), so a
test or a simulation can drive time by publishing ticks itself (GOVROUTE_CLOCK=manual).
A plain, non-transactional producer is used on purpose: sends from outside an agent
would otherwise sit in a Faust transaction that nothing commits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from mode import Service

from clients.kafka_security import client_kwargs
from contracts.clock import ClockTicked
from contracts.registry import new_envelope, to_bytes

from .config import Settings
from .logs import get_logger

log = get_logger(__name__)


def tick_message(now: datetime, producer: str = "router-clock") -> bytes:
    return to_bytes(new_envelope(ClockTicked(now=now), producer=producer, occurred_at=now))


class Ticker(Service):
    def __init__(self, settings: Settings, now: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.now = now
        self.producer: AIOKafkaProducer | None = None

    async def on_start(self) -> None:
        self.producer = AIOKafkaProducer(bootstrap_servers=self.settings.bootstrap, acks="all",
                                         **client_kwargs())
        await self.producer.start()
        self.add_future(self._run())

    async def on_stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def _run(self) -> None:
        topic = self.settings.topic("router-log")
        while not self.should_stop:
            try:
                assert self.producer is not None
                await self.producer.send_and_wait(topic, key=b"clock",
                                                  value=tick_message(self.now()))
            except Exception as error:
                log.warning("tick failed", error=str(error))
            await asyncio.sleep(self.settings.tick_seconds)
