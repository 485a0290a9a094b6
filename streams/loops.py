"""What the worker's own consume loops (ingest, outbox relay) share: they never end on an
error, and they start again from the committed offsets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from . import metrics
from .logs import get_logger

log = get_logger(__name__)


async def run_forever(service: Any, name: str, step: Callable[[], Awaitable[None]],
                      recover: Callable[[], Awaitable[None]], *, why: str) -> None:
    """`step()` until the service stops; after a failed step, `recover()` and go on.

    A loop task that ended on an exception would leave a live worker that does nothing
    (seen after a rebalance: a failed commit ended ingest). The watchdog is the backstop
    for a step that hangs instead."""
    while not service.should_stop:
        try:
            await step()
        except Exception as error:
            log.warning(why, loop=name, error=repr(error))
            metrics.LOOP_ERRORS.labels(loop=name).inc()
            with contextlib.suppress(Exception):  # rebalancing: the new assignment will do
                await recover()
            await asyncio.sleep(0.5)


async def rewind_to_committed(consumer: Any, partitions: Iterable[Any]) -> None:
    """Seek the partitions this consumer still holds back to their committed offsets."""
    for tp in partitions:
        if tp not in consumer.assignment():
            continue
        committed = await consumer.committed(tp)
        if committed is None:
            await consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, committed)
