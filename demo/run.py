"""`run_demo`: provision a run, start the worker(s), load the network, play the day,
wait for the record, summarise, report, stop. Returns the process exit code."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from typing import Any

from aiokafka import TopicPartition

from clients.regulator import CatalogClient, RegulatorClient
from contracts.topics import topic_name
from infra.settings import Settings, load_settings
from sim.network import Network, build_network

from .catchup import wait_recorded
from .config import DemoConfig
from .day import day_window, requests_for_window, run_day
from .inbox import Inbox
from .kafka import Publisher, WorkerProgress, end_offsets
from .offices import Simulation
from .report import write_outputs
from .resources import RunResources, new_run_id, provision, prune_runs
from .summary import read_summary, render_text
from .workers import DemoError, Worker, check_alive, start_worker, wait_ready

Echo = Callable[[str], None]


def _echo(line: str) -> None:
    print(line, flush=True)


async def load_network(bootstrap: str, prefix: str, network: Network) -> None:
    """The catalog and the licences in force at the start of the day, via the clients."""
    issued_at = network.licence_events()[0].at  # the issues precede the day
    async with CatalogClient(bootstrap, prefix, "catalog-demo") as catalog:
        for service in network.services:
            await catalog.define(service, occurred_at=issued_at)
    async with RegulatorClient(bootstrap, prefix, "regulator-demo") as regulator:
        for licence in network.licences:
            await regulator.publish(licence, occurred_at=issued_at)


async def _wait_loaded(bootstrap: str, run: RunResources, progress: WorkerProgress,
                       inbox: Inbox, offices: int, check: Callable[[], None], echo: Echo,
                       stall: float = 120.0) -> None:
    """Until the worker applied the catalog and licences and opened every office's topic.

    Opening hundreds of topics can take a while on a busy broker; only a stall (nothing
    new for `stall` seconds) is an error.
    """
    inputs = [topic_name(t, run.prefix) for t in ("catalog", "licences")]
    await progress.wait_for(await end_offsets(bootstrap, inputs), check=check, timeout=stall)
    router_log = TopicPartition(topic_name("router-log", run.prefix), 0)
    last, changed, shown = (-1, -1), time.monotonic(), time.monotonic()
    while True:
        check()
        ends = await end_offsets(bootstrap, [router_log.topic])
        state = ((await progress.committed()).get(router_log, 0), inbox.topics)
        if state[0] >= ends.get(router_log, 0) and state[1] >= offices:
            return
        now = time.monotonic()
        if state != last:
            last, changed = state, now
        elif now - changed > stall:
            raise DemoError(f"loading stalled: the worker applied {state[0]} of "
                            f"{ends.get(router_log, 0)} router-log events and {state[1]} of "
                            f"{offices} office topics exist, unchanged for {stall:.0f}s")
        if now - shown > 10:
            echo(f"  still loading: {state[1]} of {offices} office topics open")
            shown = now
        await asyncio.sleep(0.5)


def _run_info(config: DemoConfig, run: RunResources, network: Network) -> dict[str, Any]:
    start, end = day_window(network, config)
    return {
        "run_id": run.run_id, "prefix": run.prefix, "database": run.database, "dsn": run.dsn,
        "day": f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} (Tehran)", "offices": config.offices,
        "requests_asked": config.requests, "workers": config.workers, "seed": config.seed,
        "request_seed": config.request_seed, "step_minutes": config.step_minutes,
    }


async def play(config: DemoConfig, stack: Settings, run: RunResources, workers: list[Worker],
               echo: Echo) -> dict[str, Any]:
    """Everything between 'workers started' and 'summary read'."""
    began = time.monotonic()

    def check() -> None:
        check_alive(workers)

    bootstrap = stack.kafka_bootstrap
    await wait_ready(workers)
    echo(f"worker(s) ready in {time.monotonic() - began:.1f}s; loading the sample network")
    network = build_network(config.seed, config.offices)
    start, end = day_window(network, config)
    requests = requests_for_window(network, config.requests, config.request_seed, start, end)
    progress, inbox = WorkerProgress(bootstrap, run.app_id), Inbox(bootstrap, run.prefix)
    out = Publisher(bootstrap, run.prefix)
    await progress.start()
    await out.start()
    try:
        await load_network(bootstrap, run.prefix, network)
        await inbox.start()
        await _wait_loaded(bootstrap, run, progress, inbox, len(network.licences), check,
                           echo)
        echo(f"{len(network.services)} services, {len(network.licences)} licences, "
             f"{len(network.schedule)} licence changes scheduled; playing {start:%H:%M}-"
             f"{end:%H:%M} in {config.steps} steps of {config.step_minutes} simulated min")
        sim = Simulation(network, config.seed)
        day = await run_day(config, network, requests, sim, out, progress, inbox, check, echo)
        echo(f"day played in {day.wall_seconds:.1f}s ({day.waited_seconds:.1f}s waiting for "
             f"the worker); waiting for the Postgres record to catch up")
        catch_up = await wait_recorded(bootstrap, run, progress, day.marks, check,
                                       config.catch_up_seconds)
    finally:
        await inbox.stop()
        await out.stop()
        await progress.stop()
    latencies = [(sim.first_assigned_wall[r] - t) * 1000 for r, t in day.published_wall.items()
                 if r in sim.first_assigned_wall]
    summary = await read_summary(run.dsn, latencies)
    summary["run"] = _run_info(config, run, network) | {
        "published_requests": len(day.published_wall), "licence_changes": day.licence_changes,
        "day_wall_seconds": round(day.wall_seconds, 1), "catch_up_seconds": round(catch_up, 1),
        "worker_wait_seconds": round(day.waited_seconds, 1),
        "total_wall_seconds": round(time.monotonic() - began, 1),
    }
    summary["simulation"] = dict(sorted(sim.counts.items()))
    return summary


async def run_demo(config: DemoConfig, echo: Echo = _echo) -> int:
    stack = load_settings()
    if config.prune_after is not None:
        pruned = await prune_runs(stack, config.prune_after)
        if pruned.topics or pruned.databases:
            echo(f"pruned earlier demo runs (older than {config.prune_after}): "
                 f"{len(pruned.topics)} topics, {len(pruned.databases)} databases")
    run = await provision(stack, new_run_id())
    run_dir = config.out / f"demo-{run.run_id}"
    run_dir.mkdir(parents=True, exist_ok=True)
    echo(f"run {run.run_id}: topic prefix {run.prefix}, database {run.database}; "
         f"starting {config.workers} router worker(s) (logs in {run_dir})")
    env = {"GOVROUTE_KAFKA_BOOTSTRAP": stack.kafka_bootstrap, "GOVROUTE_PG_DSN": run.dsn,
           "GOVROUTE_TOPIC_PREFIX": run.prefix, "GOVROUTE_APP_ID": run.app_id}
    workers = [start_worker(f"worker-{i + 1}", run_dir, env) for i in range(config.workers)]
    try:
        summary = await play(config, stack, run, workers, echo)
    except (DemoError, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        for worker in workers if isinstance(error, TimeoutError) else ():
            print(f"--- {worker.name} log tail ({worker.log}) ---\n{worker.log_tail()}",
                  file=sys.stderr)
        return 1
    finally:
        for worker in workers:
            worker.stop()
        for worker in workers:
            shutil.rmtree(run_dir / f"data-{worker.name}", ignore_errors=True)
    html_path, json_path = write_outputs(summary, config.out)
    echo(render_text(summary))
    echo(f"report:  {html_path}\nsummary: {json_path}")
    _look_further(echo, run, summary)
    return 0


def _look_further(echo: Echo, run: RunResources, summary: dict[str, Any]) -> None:
    example = summary["examples"].get("rerouted") or summary["examples"].get("any") or "R"
    echo("worker(s) stopped. To look further (this run's database):\n"
         f"  export GOVROUTE_PG_DSN={run.dsn}\n"
         f"  router status {example}      # any request id: state, history, decisions\n"
         f"  router offices --day {summary['run']['day'][:10]}   # load and assignments per office")

