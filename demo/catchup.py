"""Waiting for the Postgres record to catch up with what the router wrote.

Done when the worker group has consumed the router log to its end and the sink's
recorded offsets (`govroute.sink_offsets`, written with the rows) are within one offset
of each recorded topic's last stable offset (a transaction's commit marker takes one),
unchanged over two polls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import asyncpg
from aiokafka import TopicPartition

from contracts.topics import topic_name
from streams.app import RECORDED

from .kafka import Marks, WorkerProgress, end_offsets
from .resources import RunResources


async def _recorded(dsn: str, consumer: str) -> Marks:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT topic, partition, next_offset FROM govroute.sink_offsets WHERE consumer = $1",
            consumer)
    finally:
        await conn.close()
    return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def wait_recorded(bootstrap: str, run: RunResources, progress: WorkerProgress,
                        final: Marks, check: Callable[[], None], timeout: float) -> float:
    """Seconds it took until Postgres holds everything; `TimeoutError` otherwise."""
    began = time.monotonic()
    await progress.wait_for(final, check=check, timeout=timeout)
    topics = [topic_name(t, run.prefix) for t in RECORDED]
    router_log = TopicPartition(topic_name("router-log", run.prefix), 0)
    previous: Marks | None = None
    while time.monotonic() - began < timeout:
        check()
        ends = await end_offsets(bootstrap, topics)
        recorded = await _recorded(run.dsn, run.sink_group)
        routed = (await progress.committed()).get(router_log, 0) >= ends.get(router_log, 0)
        close = all(end - recorded.get(tp, 0) <= 1 for tp, end in ends.items())
        if routed and close and recorded == previous:
            return time.monotonic() - began
        previous = recorded
        await asyncio.sleep(1.0)
    raise TimeoutError(f"the Postgres record did not catch up within {timeout:.0f}s")
