"""What simulated offices and agencies receive: every `office.*.assignments` and
`agency.*.inquiries` topic of the run's prefix, read_committed, in one consumer.

Topics matching the pattern are (re)discovered every second, because the router
creates an agency's inquiry topic with its first inquiry. Partitions are assigned
explicitly (no consumer group, so no rebalance pauses); positions are kept across
re-assignments, so nothing is read twice.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from clients.kafka_security import client_kwargs
from contracts.errors import ContractError
from contracts.registry import parse_event

REFRESH_SECONDS = 1.0


class Inbox:
    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.pattern = re.compile(
            rf"^{re.escape(prefix)}\.(office\..+\.assignments|agency\..+\.inquiries)$"
        )
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, client_id=f"{prefix}-demo-offices",
            isolation_level="read_committed", enable_auto_commit=False,
            auto_offset_reset="earliest", **client_kwargs(),
        )
        self._positions: dict[TopicPartition, int] = {}
        self._topics: set[str] = set()
        self._items: list[tuple[float, Any]] = []
        self._task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None
        self.invalid = 0

    @property
    def topics(self) -> int:
        return len(self._topics)

    async def start(self) -> None:
        await self._consumer.start()
        await self._refresh()
        self._task = asyncio.create_task(self._run(), name="demo-inbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    def drain(self) -> list[tuple[float, Any]]:
        """Events received since the last call: (wall time seen, envelope)."""
        if self.error is not None:
            raise RuntimeError(f"the simulated offices' consumer failed: {self.error!r}")
        items, self._items = self._items, []
        return items

    async def _refresh(self) -> None:
        found = {t for t in await self._consumer.topics() if self.pattern.match(t)}
        if found <= self._topics:
            return
        self._topics |= found
        tps = [TopicPartition(t, p) for t in sorted(self._topics)
               for p in sorted(self._consumer.partitions_for_topic(t) or {0})]
        self._consumer.assign(tps)
        for tp in tps:  # new partitions start at the beginning (auto_offset_reset)
            if tp in self._positions:
                self._consumer.seek(tp, self._positions[tp])

    async def _run(self) -> None:
        try:
            refreshed = time.monotonic()
            while True:
                if time.monotonic() - refreshed >= REFRESH_SECONDS:
                    await self._refresh()
                    refreshed = time.monotonic()
                if not self._topics:  # getmany would wait for an assignment
                    await asyncio.sleep(0.1)
                    continue
                batch = await self._consumer.getmany(timeout_ms=100)
                seen = time.time()
                for tp, records in batch.items():
                    for record in records:
                        self._positions[tp] = record.offset + 1
                        try:
                            self._items.append((seen, parse_event(record.value or b"")))
                        except ContractError:
                            self.invalid += 1
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            self.error = error
            raise
