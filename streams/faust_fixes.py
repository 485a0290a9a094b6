"""Targeted fixes of faust-streaming 0.15.3 behaviour the product depends on.

Each fix names the upstream problem; remove it when the pinned version fixes it.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka

_applied = False


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


def apply() -> None:
    global _applied
    if not _applied:
        faust_aiokafka.AIOKafkaConsumerThread._highwaters = _highwaters  # type: ignore[method-assign]
        _applied = True
