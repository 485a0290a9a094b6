"""Crash-only workers: a worker that can no longer make progress exits, and is restarted.

faust-streaming has paths where a worker stays alive without working: after a rebalance
its producer buffer can crash on a transaction the rebalance already ended, the worker
shuts its event loop down, and then Faust's consumer thread keeps the interpreter from
exiting (seen after a 15 s freeze: tests/integration/test_faults_workers.py); consumers
can also stop fetching after rebalances or broker restarts (faust #175, #629). Rather
than rely on those paths, the worker watches itself and exits with a non-zero code, so
that its supervisor (`router worker --supervise`, systemd, Kubernetes) starts a fresh
one, which recovers from the changelogs; the outbox, the deterministic event ids and the
idempotent sink make that restart safe.

Three watches:
- the event loop must beat: a thread outside the loop exits the process when the loop
  has not run for `loop_stall_seconds` (a loop that hangs, or is gone after a crash);
- every loop must move when it has work: when records wait in a partition this worker
  holds, the loop's progress counter must grow within `stall_seconds` — the route agent
  (router log, events applied), ingest (its inputs, records ingested) and the outbox
  relay (the outbox, records relayed);
- after the worker begins to stop, the process must be gone within `exit_grace_seconds`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mode import Service

from .config import Settings
from .logs import get_logger

log = get_logger(__name__)

#: exit code of a worker that stopped itself because it could not make progress
EXIT_STALLED = 75
#: exit code of a worker whose shutdown did not finish in time (usually after a crash)
EXIT_HUNG = 70
#: exit code of a worker whose in-memory tables a rebalance made untrustworthy
EXIT_DIVERGED = 76


@dataclass
class StallDetector:
    """Says when a consumer with work waiting has made no progress for `limit` seconds."""

    limit: float
    _count: int | None = None
    _since: float | None = None  # when work was first seen waiting with this count

    def observe(self, waiting: int, count: int, now: float) -> bool:
        """`waiting`: records behind the consumer; `count`: its progress counter."""
        if waiting <= 0 or count != self._count:
            self._count, self._since = count, (now if waiting > 0 else None)
            return False
        if self._since is None:
            self._since = now
        return now - self._since >= self.limit

    def stalled_for(self, now: float) -> float:
        return 0.0 if self._since is None else now - self._since


class LoopWatch:
    """A daemon thread that ends the process when the event loop stops beating."""

    def __init__(self, limit: float, exit: Callable[[int], Any] = os._exit,
                 clock: Callable[[], float] = time.monotonic, every: float = 1.0) -> None:
        self.limit, self.exit, self.clock, self.every = limit, exit, clock, every
        self.last_beat: float | None = None
        self.deadline: float | None = None  # set once the worker starts to stop
        self.deadline_code = 0
        self._thread = threading.Thread(target=self._run, name="govroute-loop-watch",
                                        daemon=True)

    def beat(self) -> None:
        self.last_beat = self.clock()

    def start(self) -> None:
        if not self._thread.is_alive():
            self._thread.start()

    def exit_by(self, seconds: float, code: int) -> None:
        self.deadline, self.deadline_code = self.clock() + seconds, code

    def check(self) -> int | None:
        """The exit code to leave with now, or None. (The thread's one step; testable.)"""
        now = self.clock()
        if self.deadline is not None:
            return self.deadline_code if now >= self.deadline else None
        if self.last_beat is not None and now - self.last_beat >= self.limit:
            return EXIT_HUNG
        return None

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            code = self.check()
            if code is not None:
                _last_words(code, self)
                self.exit(code)
                return


def _last_words(code: int, watch: LoopWatch) -> None:
    """Written straight to stderr: the event loop that would log it may be gone."""
    reason = "did not finish stopping in time" if watch.deadline is not None else \
        f"event loop has not run for {watch.limit:.0f}s"
    print(f'{{"event": "worker exits", "reason": "{reason}", "exit_code": {code}, '
          f'"level": "critical"}}', file=sys.stderr, flush=True)


@dataclass
class Probe:
    """One loop to watch: how many records wait for it, and its progress counter."""

    name: str
    waiting: Callable[[], Awaitable[int | None]]
    progress: Callable[[], int]


class Watchdog(Service):
    """The in-loop half: beats for the `LoopWatch`, and watches each loop's progress."""

    def __init__(self, settings: Settings, app: Any, probes: list[Probe],
                 exit: Callable[[int], Any] = os._exit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.app = app
        self.probes = probes
        self.exit = exit
        self.loop_watch = LoopWatch(settings.loop_stall_seconds, exit)
        self.detectors = {p.name: StallDetector(settings.stall_seconds) for p in probes}

    async def on_start(self) -> None:
        self.loop_watch.beat()
        self.loop_watch.start()
        self.add_future(self._beat())
        self.add_future(self._watch())

    async def on_stop(self) -> None:
        crashed = getattr(self.app, "crash_reason", None) is not None
        self.loop_watch.exit_by(self.settings.exit_grace_seconds, EXIT_HUNG if crashed else 0)

    async def _beat(self) -> None:
        while not self.should_stop:
            self.loop_watch.beat()
            await asyncio.sleep(1.0)

    async def _watch(self) -> None:
        while not self.should_stop:
            await asyncio.sleep(min(5.0, self.settings.stall_seconds / 4))
            for probe in self.probes:
                await self.check(probe, time.monotonic())

    def leave(self, code: int, why: str, **fields: Any) -> None:
        """Exit now, for a restart: the state of this process is no longer to be trusted."""
        log.critical(why, exit_code=code, **fields)
        self.exit(code)

    async def check(self, probe: Probe, now: float) -> None:
        try:
            waiting = await probe.waiting()
        except Exception:  # rebalancing: not known now
            waiting = None
        if waiting is None:  # not this worker's partitions, or not known: start again
            self.detectors[probe.name] = StallDetector(self.settings.stall_seconds)
            return
        detector = self.detectors[probe.name]
        if detector.observe(waiting, probe.progress(), now):
            log.critical("loop stalled: exiting for a restart", loop=probe.name,
                         waiting=waiting, progress=probe.progress(),
                         stalled_seconds=round(detector.stalled_for(now), 1),
                         exit_code=EXIT_STALLED)
            self.exit(EXIT_STALLED)


async def waiting_in(consumer: Any, topics: Callable[[str], bool] = lambda _: True,
                     ) -> int | None:
    """Records behind `consumer` in its assigned partitions of `topics`; None if it holds
    none or cannot tell now. Per partition one offset is not counted: a transaction's
    commit marker can sit at the end of a partition without being a record."""
    if consumer is None:
        return None
    total, held = 0, False
    for tp in consumer.assignment():
        if not topics(tp.topic):
            continue
        position = await consumer.position(tp)
        highwater = consumer.highwater(tp)
        if position is None or highwater is None:
            return None
        held = True
        total += max(0, int(highwater) - int(position) - 1)
    return total if held else None


def route_probe(settings: Settings, app: Any, agent: Any) -> Probe:
    router_log = settings.topic("router-log")

    async def waiting() -> int | None:
        if getattr(app, "rebalancing", False) or getattr(app, "in_recovery", False):
            return None  # recovering tables is progress the agent's counter does not show
        return await waiting_in(getattr(app, "consumer", None), lambda t: t == router_log)

    return Probe("route", waiting, lambda: int(agent.processed))


def consumer_probe(name: str, service: Any, counter: str) -> Probe:
    """A plain aiokafka loop (ingest, relay) with `service.consumer` and a counter."""

    async def waiting() -> int | None:
        return await waiting_in(service.consumer)

    return Probe(name, waiting, lambda: int(getattr(service, counter)))
