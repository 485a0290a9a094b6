"""The simulated day: steps of simulated time, each published and then ticked.

A step covers [T, T + step): the licence changes and requests that fall in it, and the
offices', agencies' and citizens' reactions due in it, are published with their own
simulated timestamps; then a clock tick to T + step goes to the router log, so the
router's deadlines fire in simulated time. Before a step starts, the router worker must
have consumed what was published `lag_steps` steps earlier (see `WorkerProgress`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from clients.intake import request_envelope
from clients.regulator import licence_envelope
from contracts.requests import RequestSubmitted
from contracts.topics import topic_name
from sim.network import Network
from sim.requests import daily_requests
from streams.ticker import tick_message

from .config import DemoConfig
from .inbox import Inbox
from .kafka import Marks, Publisher, WorkerProgress
from .offices import Simulation


@dataclass
class DayResult:
    start: datetime
    end: datetime
    published_wall: dict[str, float] = field(default_factory=dict)  # request id -> wall time
    licence_changes: int = 0
    reactions: int = 0
    steps: int = 0
    waited_seconds: float = 0.0  # held back by the worker
    wall_seconds: float = 0.0
    marks: Marks = field(default_factory=dict)


def day_window(network: Network, config: DemoConfig) -> tuple[datetime, datetime]:
    start = network.day_start + timedelta(hours=config.day_from_hour)
    return start, network.day_start + timedelta(hours=config.day_until_hour)


def requests_for_window(network: Network, count: int, seed: int, start: datetime,
                        end: datetime) -> list[RequestSubmitted]:
    """Exactly `count` of the sample day's requests that fall in [start, end), in order.

    `daily_requests` spreads a day over 24 hours; drawing a few more and sampling those
    inside the window keeps the day's shape (the hourly curve) and the exact count.
    """
    drawn = count
    while True:
        day = daily_requests(network, network.day_start, int(drawn * 1.05) + 10, seed)
        inside = [r for r in day if start <= r.submitted_at < end]
        if len(inside) >= count:
            break
        drawn = int(drawn * 1.2) + 10
    keep = sorted(random.Random(seed).sample(range(len(inside)), count))
    return [inside[i] for i in keep]


async def run_day(
    config: DemoConfig, network: Network, requests: list[RequestSubmitted], sim: Simulation,
    out: Publisher, progress: WorkerProgress, inbox: Inbox, check: Callable[[], None],
    echo: Callable[[str], None],
) -> DayResult:
    start, end = day_window(network, config)
    result = DayResult(start, end)
    step = timedelta(minutes=config.step_minutes)
    router_log = topic_name("router-log", out.prefix)
    pending = deque(requests)
    changes = deque(e for e in network.schedule if e.at < end)
    per_step = config.wall_seconds / config.steps
    history: list[Marks] = []
    began = time.monotonic()
    sim.plan_cancellations(requests)
    await out.send_raw(router_log, "clock", tick_message(start, producer="demo-clock"))
    result.waited_seconds += await progress.wait_for(await out.flush(), check=check)
    for index in range(config.steps):
        step_began = time.monotonic()
        now = start + index * step
        until = now + step
        if index >= config.lag_steps:
            result.waited_seconds += await progress.wait_for(
                history[index - config.lag_steps], check=check)
        for seen, envelope in inbox.drain():
            sim.observe(seen, envelope, now)
        while changes and changes[0].at < until:
            change = changes.popleft()
            await out.send("licences", change.payload.office_id,
                           licence_envelope(change.payload, occurred_at=change.at))
            result.licence_changes += 1
        while pending and pending[0].submitted_at < until:
            request = pending.popleft()
            result.published_wall[request.request_id] = time.time()
            await out.send("requests", request.request_id,
                           request_envelope(request, "intake-demo"))
        result.reactions += await sim.publish_due(until, out)
        await out.send_raw(router_log, "clock", tick_message(until, producer="demo-clock"))
        history.append(await out.flush())
        result.steps += 1
        if until.minute == 0 and until.hour % 2 == 0:
            _progress(echo, until, result, sim, began)
        await asyncio.sleep(max(0.0, per_step - (time.monotonic() - step_began)))
    result.marks = history[-1] if history else {}
    result.wall_seconds = time.monotonic() - began
    return result


def _progress(echo: Callable[[str], None], at: datetime, result: DayResult, sim: Simulation,
              began: float) -> None:
    echo(f"  {at:%H:%M}  published {len(result.published_wall):>5} requests, "
         f"{len(sim.first_assigned_wall):>5} assigned (seen by offices), "
         f"{sim.counts['fulfil']:>5} fulfilled   [{time.monotonic() - began:5.1f}s]")
