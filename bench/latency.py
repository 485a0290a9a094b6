"""Publish-to-assignment-visible latency at fixed offered loads, on one worker (exactly_once).

    python bench/latency.py [--rates 500,2000] [--seconds S] [--offices M] [--quick]

One worker on a fresh prefix with the catalog and M licences applied. For each offered
rate, publishes `request.submitted` events paced at that rate for S seconds (recording the
wall time of each publish by request id), and a read_committed consumer subscribed by
pattern to every `office.*.assignments` topic records when each `assignment.made` becomes
visible. Reports p50 / p99 / p99.9 / max of (visible - published), the share of that spent
after the assignment was produced (Kafka record timestamp -> visible: the transaction
commit wait), and achieved vs offered rates. Writes bench/results/latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
from aiokafka import AIOKafkaConsumer
from stack_support import (
    ROOT,
    Stack,
    build_requests,
    build_setup,
    environment,
    percentile,
    poll,
    table,
    wait_owner,
    write_results,
)


class Visibility:
    """A read_committed consumer over every office topic of the prefix (pattern)."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, isolation_level="read_committed",
            auto_offset_reset="earliest", enable_auto_commit=False,
            group_id=f"bench-latency-{prefix}", metadata_max_age_ms=2000, fetch_max_wait_ms=20,
        )
        self.consumer.subscribe(pattern=rf"^{re.escape(prefix)}\.office\..+\.assignments$")
        self.visible: dict[str, float] = {}
        self.produced: dict[str, float] = {}  # Kafka record timestamp (create time), seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=100)
            now = time.time()
            for records in batch.values():
                for m in records:
                    event = orjson.loads(m.value)
                    if event.get("event_type") == "assignment.made":
                        request_id = event["payload"]["request_id"]
                        self.visible.setdefault(request_id, now)
                        self.produced.setdefault(request_id, m.timestamp / 1000)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()


async def offered_load(stack: Stack, seen: Visibility, rate: int, seconds: float,
                       messages: list[tuple[str, bytes]], drain: float) -> dict[str, Any]:
    producer = stack.harness.producer
    assert producer is not None
    topic = stack.topic("requests")
    published: dict[str, float] = {}
    futures = []
    start = time.time()
    sent = 0
    while sent < len(messages):
        due = min(len(messages), int((time.time() - start) * rate) + 1)
        while sent < due:
            key, raw = messages[sent]
            published[key] = time.time()
            futures.append(await producer.send(topic, key=key.encode(), value=raw))
            sent += 1
        await asyncio.sleep(0.002)
    publish_end = time.time()
    await asyncio.gather(*futures)
    await poll(lambda: all(k in seen.visible for k in published), timeout=drain)
    drained_at = time.time()
    latencies, commit_waits = [], []
    missing = 0
    for key, at in published.items():
        visible = seen.visible.get(key)
        if visible is None:
            missing += 1
            latencies.append(drained_at - at)  # a lower bound
            continue
        latencies.append(visible - at)
        commit_waits.append(visible - seen.produced[key])
    visible_times = [seen.visible[k] for k in published if k in seen.visible]
    last_visible = max(visible_times) if visible_times else drained_at
    ms = [x * 1000 for x in latencies]
    p50, p99, p999 = percentile(ms, 50), percentile(ms, 99), percentile(ms, 99.9)
    wait50 = percentile([x * 1000 for x in commit_waits], 50)
    return {
        "offered_per_s": rate,
        "seconds": seconds,
        "published": len(published),
        "achieved_publish_per_s": round(len(published) / max(1e-9, publish_end - start), 1),
        "achieved_assigned_per_s": round(len(visible_times) / max(1e-9, last_visible - start), 1),
        "achieved_over_offered": round(len(visible_times) / max(1e-9, last_visible - start)
                                       / rate, 3),
        "not_visible": missing,
        "lower_bound": missing > 0,
        "p50_ms": round(p50, 1) if p50 is not None else None,
        "p99_ms": round(p99, 1) if p99 is not None else None,
        "p999_ms": round(p999, 1) if p999 is not None else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "commit_wait_p50_ms": round(wait50, 1) if wait50 is not None else None,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"bench": "latency", "quick": args.quick, **environment()}
    rows = []
    async with Stack() as stack:
        report["cluster_topics_at_start"] = await stack.cluster_topics()
        setup, offices = build_setup(args.offices, 100_000)
        await stack.send_all(stack.topic("router-log"), setup)
        await stack.create_office_topics(offices)
        worker = stack.start_worker()
        if await wait_owner(stack, [worker]) is None:
            raise RuntimeError("the worker never owned the router log:\n" + worker.log_tail())
        deadline = time.monotonic() + 120
        while (await stack.health(worker))["events_applied"] < len(setup):
            if time.monotonic() > deadline:
                raise RuntimeError("licences not applied:\n" + worker.log_tail())
            await asyncio.sleep(0.2)
        seen = Visibility(stack.bootstrap, stack.harness.prefix)
        await seen.start()
        try:
            # warm up: the consumer's pattern subscription, the worker's first transactions
            warm = build_requests(20, f"{stack.harness.run}w", seed=1)
            await offered_load(stack, seen, 20, 1, warm, drain=30)
            start_index = 0
            for rate in args.rates:
                count = max(1, int(rate * args.seconds))
                messages = build_requests(count, stack.harness.run, seed=rate, start=start_index)
                start_index += count
                row = await offered_load(stack, seen, rate, args.seconds, messages, args.drain)
                rows.append(row)
                print(f"offered {rate}/s: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms",
                      file=sys.stderr)
        finally:
            await seen.stop()
    report.update({"offices": args.offices, "rows": rows})
    print(table(rows, [
        ("offered_per_s", "offered/s"), ("achieved_publish_per_s", "published/s"),
        ("achieved_assigned_per_s", "assigned/s"), ("achieved_over_offered", "assigned/offered"),
        ("published", "requests"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"),
        ("p999_ms", "p99.9 ms"), ("max_ms", "max ms"), ("commit_wait_p50_ms", "commit wait p50"),
        ("not_visible", "not visible"),
    ]))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rates", default="500,2000", help="offered requests/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="per rate")
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--drain", type=float, default=120.0,
                        help="max seconds to wait for the backlog after publishing")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    args.rates = [int(r) for r in str(args.rates).split(",") if r.strip()]
    if args.quick:
        args.rates, args.seconds, args.offices, args.drain = [20, 50], 2.0, 10, 60.0
    report = asyncio.run(run(args))
    path = write_results("latency", report)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
