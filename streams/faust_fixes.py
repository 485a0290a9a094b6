"""Targeted fixes of faust-streaming 0.15.3 behaviour the product depends on.

Each fix names the upstream problem; remove it when the pinned version fixes it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust
from faust.transport import consumer as faust_consumer
from faust.transport import producer as faust_producer
from faust.transport.drivers import aiokafka as faust_aiokafka

from . import metrics

_applied = False

#: a commit gives up (and the worker crashes and restarts) when the changelog writes
#: of applied events have not reached the transaction by then
DRAIN_TIMEOUT_S = 30.0


async def _highwaters(self: Any, partitions: list[Any]) -> Any:
    """End offsets of changelog partitions, asked of the broker.

    Under exactly_once, faust asks the consumer for `last_stable_offset(tp)`, which
    aiokafka only knows after it has fetched from that partition; for a changelog a
    worker has just been given (a failover) it is None, recovery takes the highwater as
    -1 and the new owner starts with EMPTY tables (robinhood/faust#658). A read_committed
    consumer's `end_offsets` is the last stable offset, from the broker, always.
    """
    consumer = self._ensure_consumer()
    return await consumer.end_offsets(partitions)


class Worker(faust.Worker):
    """A Faust worker that keeps the root logger at the level it was asked for.

    Faust's terminal spinner handler lowers the ROOT logger to DEBUG
    (`faust.Worker._setup_spinner_handler`), whatever `--loglevel` says: every
    `log.debug` of aiokafka (several per produced message) then builds a LogRecord
    that the handlers throw away — 11% of a routing worker's CPU under load
    (py-spy, bench/README.md). The spinner is for terminals; a worker does not need it.
    """

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        self.spinner = None
        super().on_setup_root_logger(logger, level)
        logger.setLevel(level or logging.WARNING)


# -- exactly once, per event: a commit sees all of an applied event or none of it --------
#
# Under exactly_once, faust-streaming writes a table's changelog through the producer
# BUFFER (`Table.send_changelog` -> `Topic.send_soon`), which a background task drains one
# message at a time, while the commit task commits the acked offsets whenever its timer
# fires, without waiting for that buffer (only the at-least-once path flushes it). An
# event's offset and its outbox record could thus commit in one transaction and its table
# writes land in the next: a worker killed between the two left a router-log offset
# committed whose state change no changelog holds. The next owner then refused the
# office's reports on that request as UNKNOWN_REQUEST (CI, test_faults_workers.py, SIGKILL
# scenario), and a lost `loads` write can let an office run over capacity.
#
# The fix: the route agent applies each event while holding the app's commit barrier,
# and a commit takes the barrier and drains the buffer (including the message being
# handed to the producer) before it commits. A transaction therefore holds every changelog
# write and output of the events whose offsets it commits, and never a part of one.


class CommitBarrier:
    """The lock the route agent holds while it applies one event, and a commit holds.

    `dirty` says the tables hold writes that no committed transaction holds yet. A
    rebalance that finds them cannot trust the tables (see `uncommitted_writes`)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.dirty = False

    async def __aenter__(self) -> CommitBarrier:
        await self.lock.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.lock.release()


def commit_barrier(app: Any) -> CommitBarrier:
    """The app's commit barrier (one per app)."""
    barrier: CommitBarrier | None = getattr(app, "_govroute_commit_barrier", None)
    if barrier is None:
        barrier = CommitBarrier()
        app._govroute_commit_barrier = barrier
    return barrier


async def _send_pending(self: Any, fut: Any) -> None:
    """The buffer's send, counting the message in flight until the producer has it."""
    self.govroute_in_flight = getattr(self, "govroute_in_flight", 0) + 1
    try:
        await fut.message.channel.publish_message(fut, wait=False)
    finally:
        self.govroute_in_flight -= 1


async def drain(buffer: Any, timeout: float = DRAIN_TIMEOUT_S) -> None:
    """Wait until every message put in `buffer` has been handed to the producer.

    Faust's own `flush()` returns after 0.1 s without progress and does not wait for
    the message its task has already taken off the queue."""
    deadline = time.monotonic() + timeout
    while buffer.size or getattr(buffer, "govroute_in_flight", 0):
        if time.monotonic() > deadline:
            raise TimeoutError(f"producer buffer not drained in {timeout} s "
                               f"({buffer.size} queued)")
        await asyncio.sleep(0.001)


_transactions_commit = faust_consumer.TransactionManager.commit


async def _commit(self: Any, offsets: Any, start_new_transaction: bool = True) -> bool:
    barrier = commit_barrier(self.app)
    async with barrier:
        buffer = self.app.producer.buffer
        waiting = buffer.size + getattr(buffer, "govroute_in_flight", 0)
        metrics.COMMITS.labels(buffer="writes waiting" if waiting else "empty").inc()
        await drain(buffer)
        result: bool = await _transactions_commit(
            self, offsets, start_new_transaction=start_new_transaction)
        if result and _producers_held(self, offsets):
            barrier.dirty = False
        return result


def _producers_held(transactions: Any, offsets: Any) -> bool:
    """Each transaction the commit was for had a producer (Faust logs and skips a commit
    for a transaction whose producer a rebalance already stopped)."""
    held = getattr(transactions.producer, "_transaction_producers", {})
    return all(tid in held for tid in transactions._tps_to_transactional_ids(set(offsets)))


def uncommitted_writes(app: Any) -> bool:
    """True when the route agent applied events that no transaction has committed.

    At a rebalance this means the in-memory tables cannot be trusted. A worker that froze
    past its session timeout and keeps its partitions shows how (read in faust-streaming
    0.15.3): Faust discards the commit for partitions its consumer already lost, leaves
    that transaction open (the log then shows "Invalid state transition IN_TRANSACTION ->
    IN_TRANSACTION"), and recovers the kept changelog partition up to its last stable
    offset, which reverts in memory every key the open transaction changed (an office's
    load back by one while the assignment that raised it is still to be committed). The
    only safe state is a fresh one: the worker exits and its successor recovers."""
    return commit_barrier(app).dirty


def apply() -> None:
    global _applied
    if not _applied:
        faust_aiokafka.AIOKafkaConsumerThread._highwaters = _highwaters  # type: ignore[method-assign]
        faust_producer.ProducerBuffer._send_pending = _send_pending  # type: ignore[method-assign]
        faust_consumer.TransactionManager.commit = _commit  # type: ignore[method-assign]
        _applied = True
