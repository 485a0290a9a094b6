"""The sink's consumer loop: read committed events, write them in batches, resume exactly.

It runs beside the Faust agents in the worker, but on its own aiokafka consumer group,
so a stalled database never stalls routing: the sink falls behind and catches up.
Its position lives in Postgres (`govroute.sink_offsets`), written in the same
transaction as the rows; on (re)assignment it seeks there, so a crash anywhere
neither loses nor doubles a row, whatever Kafka's committed offsets say.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from clients.kafka_security import client_kwargs

from ..logs import get_logger
from ..loops import run_forever
from .postgres import PostgresRecord
from .rows import Batch, add_event

log = get_logger(__name__)


class _SeekToRecorded(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, sink: PostgresSink) -> None:
        self.sink = sink

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self.sink.seek_to_recorded(list(assigned))


class PostgresSink:
    """Consumes the recorded topics and keeps Postgres in step with them."""

    def __init__(
        self, bootstrap: str, dsn: str, topics: list[str], *,
        group: str = "govroute-pg-sink", batch_size: int = 500, linger: float = 0.2,
    ) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.group = group
        self.batch_size = batch_size
        self.linger = linger
        self.record = PostgresRecord(dsn, consumer=group)
        self.consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.last_write_at: float | None = None
        self.failure: str | None = None  # the last step's error until one succeeds: /health
        self.should_stop = False

    async def start(self) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group,
            isolation_level="read_committed", enable_auto_commit=False,
            auto_offset_reset="earliest", max_poll_records=self.batch_size,
            **client_kwargs(),
        )
        await self._connect_db()
        self.consumer.subscribe(self.topics, listener=_SeekToRecorded(self))
        await self.consumer.start()
        self._task = asyncio.create_task(self._run(), name="postgres-sink")
        self._task.add_done_callback(self._died)

    def _died(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.failure = repr(task.exception())
            log.error("postgres sink stopped", error=self.failure)

    async def stop(self) -> None:
        self.should_stop = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.consumer is not None:
            await self.consumer.stop()
        await self.record.stop()

    async def _connect_db(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.record.start()
                return
            except (TimeoutError, OSError, Exception) as error:
                log.warning("postgres unreachable, retrying", error=str(error), delay=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def seek_to_recorded(self, assigned: list[TopicPartition]) -> None:
        assert self.consumer is not None
        recorded = await self._with_retry(self.record.offsets, self.topics)
        for tp in assigned:
            position = recorded.get((tp.topic, tp.partition))
            if position is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, position)

    async def _run(self) -> None:
        # A failed step (a rebalance, a broker restart) is read again from the positions
        # recorded in Postgres. The loop must not end: a dead sink task keeps its consumer,
        # and with it its partitions, so the rows would stop for good (seen after a
        # worker froze past its session timeout).
        await run_forever(self, "sink", self._step, self._rewind,
                          why="sink batch failed; reading again from the recorded offsets")

    async def _rewind(self) -> None:
        assert self.consumer is not None
        await self.seek_to_recorded(list(self.consumer.assignment()))

    async def _step(self) -> None:
        try:
            await self._read_and_write()
        except Exception as error:
            self.failure = repr(error)  # /health says degraded while batches keep failing
            raise
        self.failure = None

    async def _read_and_write(self) -> None:
        assert self.consumer is not None
        records = await self.consumer.getmany(
            timeout_ms=int(self.linger * 1000), max_records=self.batch_size
        )
        if records:
            batch = Batch()
            for tp, messages in records.items():
                for message in messages:
                    add_event(batch, orjson.loads(message.value), message.offset)
                batch.offsets[(tp.topic, tp.partition)] = messages[-1].offset + 1
            await self._with_retry(self.record.write, batch)
            self.written += batch.count()
            self.last_write_at = time.time()
            await self._commit(batch)

    async def _commit(self, batch: Batch) -> None:
        """Kafka's committed offsets are only a courtesy to lag monitors: the positions
        that count were written to Postgres with the rows, so a refused commit (the
        group rebalanced meanwhile) is no reason to read the batch again."""
        assert self.consumer is not None
        try:
            await self.consumer.commit({
                TopicPartition(t, p): o for (t, p), o in batch.offsets.items()
            })
        except KafkaError as error:
            log.info("sink offsets not committed to Kafka; Postgres has them", error=repr(error))

    async def _with_retry(self, fn: Any, *args: Any) -> Any:
        """Postgres being away is an outage to wait out, not a reason to drop a batch."""
        delay = 0.5
        while True:
            try:
                return await fn(*args)
            except (TimeoutError, OSError) as error:
                log.warning("postgres write failed, retrying", error=str(error), delay=delay)
            except Exception as error:  # asyncpg's connection errors have no common base
                if not _is_connection_error(error):
                    raise
                log.warning("postgres connection lost, retrying", error=str(error), delay=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _is_connection_error(error: Exception) -> bool:
    import asyncpg

    return isinstance(error, (
        OSError,
        TimeoutError,
        asyncpg.exceptions.PostgresConnectionError,
        # the client's own state after a cancelled or interrupted operation; the pool is
        # rebuilt before the next attempt, so this is recoverable like a lost connection
        asyncpg.exceptions.InternalClientError,
        asyncpg.exceptions.ConnectionDoesNotExistError,
        asyncpg.exceptions.CannotConnectNowError,
        asyncpg.exceptions.ConnectionFailureError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.AdminShutdownError,
    ))
