"""The worker's self-watch and its supervisor, on fake clocks and fake processes."""

from __future__ import annotations

import signal
from typing import Any

from streams.supervisor import Backoff, Supervisor
from streams.watchdog import EXIT_HUNG, LoopWatch, StallDetector


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# -- the route agent's progress ---------------------------------------------------------


def test_no_work_waiting_is_never_a_stall() -> None:
    stall = StallDetector(limit=10)
    assert not any(stall.observe(0, 5, t) for t in range(0, 100, 5))


def test_work_waiting_while_the_counter_moves_is_not_a_stall() -> None:
    stall = StallDetector(limit=10)
    assert not any(stall.observe(50, count, t) for count, t in enumerate(range(0, 100, 5)))


def test_work_waiting_and_no_progress_for_the_limit_is_a_stall() -> None:
    stall = StallDetector(limit=10)
    assert not stall.observe(3, 7, 0)
    assert not stall.observe(3, 7, 9.9)
    assert stall.observe(4, 7, 10)
    assert stall.stalled_for(12) == 12


def test_progress_or_an_empty_backlog_restarts_the_count() -> None:
    stall = StallDetector(limit=10)
    stall.observe(3, 7, 0)
    assert not stall.observe(3, 8, 9)   # moved
    assert not stall.observe(3, 8, 18)  # 9 s since it moved
    assert not stall.observe(0, 8, 25)  # caught up
    assert not stall.observe(2, 8, 30)  # new work: the clock starts again
    assert stall.observe(2, 8, 40)


# -- the event loop ---------------------------------------------------------------------


def test_the_loop_watch_waits_for_the_first_beat_then_exits_when_beats_stop() -> None:
    clock = Clock()
    watch = LoopWatch(limit=60, exit=lambda code: None, clock=clock)
    clock.now = 1000
    assert watch.check() is None  # not armed: the loop has not beaten yet
    watch.beat()
    clock.now = 1059
    assert watch.check() is None
    clock.now = 1060
    assert watch.check() == EXIT_HUNG


def test_a_stopping_worker_still_alive_after_the_grace_is_ended_with_its_code() -> None:
    clock = Clock()
    watch = LoopWatch(limit=60, exit=lambda code: None, clock=clock)
    watch.beat()
    watch.exit_by(30, 0)
    clock.now = 29
    assert watch.check() is None
    clock.now = 30
    assert watch.check() == 0
    watch.exit_by(30, EXIT_HUNG)
    clock.now = 60
    assert watch.check() == EXIT_HUNG


# -- the supervisor ---------------------------------------------------------------------


def test_backoff_doubles_after_quick_failures_and_resets_after_a_healthy_run() -> None:
    backoff = Backoff(first=1, most=8, healthy_after=60)
    assert [backoff.after_exit(2) for _ in range(5)] == [1, 2, 4, 8, 8]
    assert backoff.after_exit(600) == 1
    assert backoff.after_exit(1) == 2


class FakeChild:
    def __init__(self, code: int, on_wait: Any = None) -> None:
        self.code, self.on_wait, self.signals = code, on_wait, []

    def wait(self) -> int:
        if self.on_wait is not None:
            self.on_wait()
        return self.code

    def poll(self) -> int | None:
        return None

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)


def test_the_supervisor_restarts_a_worker_that_exits_on_its_own_until_asked_to_stop() -> None:
    clock, slept, children = Clock(), [], []
    supervisor: Supervisor

    def spawn(command: Any) -> FakeChild:
        clock.now += 5  # each incarnation runs 5 s
        if len(children) < 3:
            child = FakeChild(75)  # stalled, exited on its own
        else:  # the fourth is stopped by SIGTERM while it runs
            child = FakeChild(0, on_wait=lambda: supervisor.request_stop(signal.SIGTERM))
        children.append(child)
        return child

    supervisor = Supervisor(["worker"], Backoff(first=1, most=60, healthy_after=60),
                            spawn=spawn, sleep=slept.append, clock=clock)
    assert supervisor.run() == 0
    assert len(children) == 4
    assert supervisor.restarts == 3
    assert slept == [1, 2, 4]
    assert children[-1].signals == [signal.SIGTERM]  # forwarded to the running worker


# -- the watchdog over its probes -------------------------------------------------------


def test_the_watchdog_exits_only_for_the_loop_that_has_work_and_does_not_move() -> None:
    import asyncio

    from streams.config import Settings
    from streams.watchdog import EXIT_STALLED, Probe, Watchdog

    exits: list[tuple[float, int]] = []
    clock = {"t": 0.0}
    lag = {"route": 5, "relay": 40}
    done = {"route": 0, "relay": 100}

    async def waiting_of(name: str) -> int | None:
        return lag[name]

    def probe(name: str) -> Probe:
        return Probe(name, lambda: waiting_of(name), lambda: done[name])

    dog = Watchdog(Settings(stall_seconds=30), app=None,
                   probes=[probe("route"), probe("relay")],
                   exit=lambda code: exits.append((clock["t"], code)))

    async def run() -> None:
        for t in range(0, 35, 5):
            clock["t"] = float(t)
            done["route"] += 1  # the route agent keeps applying
            await dog.check(dog.probes[0], float(t))
        for t in range(0, 35, 5):
            clock["t"] = float(t)
            await dog.check(dog.probes[1], float(t))  # the relay never moves

    asyncio.run(run())
    # the route agent, moving, never; the relay exactly when it had been stuck for 30 s
    assert exits == [(30.0, EXIT_STALLED)]


async def _none() -> None:
    return None


def test_a_loop_without_partitions_here_is_never_judged() -> None:
    import asyncio

    from streams.config import Settings
    from streams.watchdog import Probe, Watchdog

    exits: list[int] = []
    dog = Watchdog(Settings(stall_seconds=1), app=None,
                   probes=[Probe("relay", _none, lambda: 0)], exit=exits.append)

    async def run() -> None:
        for t in range(100):
            await dog.check(dog.probes[0], float(t))

    asyncio.run(run())
    assert exits == []
