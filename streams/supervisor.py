"""`router worker --supervise`: restart the worker process when it exits on its own.

A worker exits with a non-zero code when it cannot make progress (streams/watchdog.py)
or crashes; a fresh process recovers its tables from the changelogs and carries on.
This is the supervisor for a machine without systemd or Kubernetes to do it: it runs the
worker as a child, restarts it after an exit it did not ask for (waiting longer after
each quick failure, up to a minute), and forwards SIGTERM / SIGINT, after which it waits
for the child and leaves with the child's exit code.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .logs import get_logger

log = get_logger(__name__)


@dataclass
class Backoff:
    """Seconds to wait before the next start: doubles after each run shorter than
    `healthy_after`, from `first` up to `most`; a run that lasted resets it."""

    first: float = 1.0
    most: float = 60.0
    healthy_after: float = 60.0
    _next: float = 0.0

    def after_exit(self, ran_for: float) -> float:
        if ran_for >= self.healthy_after:
            self._next = self.first
        else:
            self._next = min(self.most, max(self.first, self._next * 2))
        return self._next


class Supervisor:
    def __init__(self, command: Sequence[str], backoff: Backoff | None = None,
                 spawn: Callable[[Sequence[str]], Any] = subprocess.Popen,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.command = list(command)
        self.backoff = backoff or Backoff()
        self.spawn, self.sleep, self.clock = spawn, sleep, clock
        self.stopping = False
        self.child: Any = None
        self.restarts = 0

    def request_stop(self, signum: int, _frame: Any = None) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    def run(self) -> int:
        while True:
            started = self.clock()
            self.child = self.spawn(self.command)
            code = self.child.wait()
            if self.stopping:
                return int(code)
            ran_for = self.clock() - started
            delay = self.backoff.after_exit(ran_for)
            self.restarts += 1
            log.error("worker exited; restarting", exit_code=code, ran_seconds=round(ran_for, 1),
                      restart_in_seconds=delay, restarts=self.restarts)
            self.sleep(delay)
            if self.stopping:
                return int(code)


def supervise(child_args: Sequence[str]) -> int:
    """Run `python -m cli.main worker <child_args>` under a `Supervisor` until stopped."""
    supervisor = Supervisor([sys.executable, "-m", "cli.main", "worker", *child_args])
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    return supervisor.run()
