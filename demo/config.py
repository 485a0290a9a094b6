"""The knobs of one demo run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sim.network import DEFAULT_SEED


@dataclass(frozen=True)
class DemoConfig:
    """Sizes, seeds and pacing of a simulated day."""

    requests: int = 3000
    offices: int = 300
    workers: int = 1
    seed: int = DEFAULT_SEED  # the network (and the simulated offices' choices)
    request_seed: int = 1
    day_from_hour: int = 6  # local (Tehran) time of the sample network's day
    day_until_hour: int = 22
    step_minutes: int = 1  # simulated minutes per step (one clock tick each)
    wall_seconds: float = 75.0  # target wall time of the simulated day (a lower bound)
    max_lag_minutes: int = 8  # how far (simulated) the worker may fall behind the publisher
    out: Path = Path("out")
    catch_up_seconds: float = 180.0  # how long to wait for the Postgres record at the end
    #: earlier runs' topics and databases older than this are deleted first (None: keep all)
    prune_after: timedelta | None = timedelta(hours=1)

    @property
    def steps(self) -> int:
        return (self.day_until_hour - self.day_from_hour) * 60 // self.step_minutes

    @property
    def lag_steps(self) -> int:
        return max(1, self.max_lag_minutes // self.step_minutes)


def quick(config: DemoConfig) -> DemoConfig:
    """The reduced pace for tests: bigger steps, a shorter wall-clock day."""
    from dataclasses import replace

    return replace(config, step_minutes=4, wall_seconds=min(config.wall_seconds, 20.0),
                   max_lag_minutes=12)
