"""End-to-end routing throughput of one worker (exactly_once), beside three baselines.

    python bench/throughput.py [--requests N] [--offices M] [--quick] [--profile]

Pre-fills a fresh topic prefix: the catalog and M licences straight into the router log,
then N valid `request.submitted` events on the `requests` topic; then starts ONE
`router worker` (production settings: exactly_once, the Postgres sink, info logs) and
times committed decisions 1..N with a read_committed consumer on `decisions`.
Baselines in the same run, on the same events:

  (a) a minimal aiokafka loop with the same guarantees: read_committed consumer on the
      same `requests` topic, a transactional producer, parse_event -> to_input ->
      RouterCore.handle -> render, the table writes as changelog messages, the input
      offsets in the transaction, one transaction per batch of --batch messages;
  (c) the same pure apply loop in-process, no Kafka at all;
  (b) Kafka's own ProducerPerformance (acks=all, idempotent; and transactional) and
      ConsumerPerformance (read_committed) with records of the request events' size.

Prints a table and writes bench/results/throughput.json. `--profile` also runs the pure
apply loop under pyinstrument (if installed) and prints where its time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from stack_support import (
    ROOT,
    Stack,
    Workload,
    build_workload,
    environment,
    kafka_tool,
    ratio,
    table,
    watch,
    worker_run,
    write_results,
)

from contracts.registry import parse_event
from infra.topics import create_topics
from router import CURRENT_POLICY
from router.engine import RouterCore
from streams import codecs
from streams.outputs import Cause, Outgoing, render
from streams.routing import ROUTER_TYPES
from streams.translate import to_input

TABLES = ("requests", "loads", "licences", "services", "clock")


class ChangelogDict(dict[str, bytes]):
    """A table stand-in that remembers its writes, to be sent as changelog messages."""

    def __init__(self, name: str, pending: list[tuple[str, str, bytes | None]]) -> None:
        super().__init__()
        self.name = name
        self.pending = pending

    def __setitem__(self, key: str, value: bytes) -> None:
        super().__setitem__(key, value)
        self.pending.append((self.name, key, value))

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.pending.append((self.name, key, None))


def make_core(tables: dict[str, MutableMapping[str, bytes]]) -> RouterCore:
    """A RouterCore over bytes-valued tables through the worker's own codecs."""
    return RouterCore(
        requests=codecs.CodecMapping(tables["requests"], codecs.encode_record,
                                     codecs.decode_record),
        loads=codecs.CodecMapping(tables["loads"], codecs.encode_int, codecs.decode_int),
        licences=codecs.CodecMapping(tables["licences"], codecs.encode_licence,
                                     codecs.decode_licence),
        services=codecs.CodecMapping(tables["services"], codecs.encode_service,
                                     codecs.decode_service),
        clock=codecs.CodecMapping(tables["clock"], codecs.encode_time, codecs.decode_time),
        policy=CURRENT_POLICY,
    )


def apply_one(core: RouterCore, raw: bytes, prefix: str, topic: str = "router-log",
              partition: int = 0, offset: int = 0, key: str | None = None) -> list[Outgoing]:
    """What the route agent does per event, minus the sends: parse, translate, handle, render."""
    envelope = parse_event(raw, allowed_types=ROUTER_TYPES)
    cause = Cause(str(envelope.event_id), raw, topic, partition, offset, key, envelope.occurred_at)
    effects = core.handle(to_input(envelope), at=envelope.occurred_at)
    return render(effects, cause, prefix)[0]


def pure_loop(workload: Workload, prefix: str = "pure") -> dict[str, Any]:
    """(c): the apply loop in-process over dict tables; no Kafka, no sends."""
    core = make_core({name: {} for name in TABLES})
    for _, raw in workload.setup:
        apply_one(core, raw, prefix)
    started = time.perf_counter()
    messages = 0
    for offset, (key, raw) in enumerate(workload.requests):
        messages += len(apply_one(core, raw, prefix, offset=offset, key=key))
    seconds = time.perf_counter() - started
    n = len(workload.requests)
    return {"requests": n, "seconds": round(seconds, 3), "requests_per_s": round(n / seconds, 1),
            "messages_per_request": round(messages / n, 2)}


async def aiokafka_loop(stack: Stack, workload: Workload, batch: int) -> dict[str, Any]:
    """(a): the minimal exactly-once loop with aiokafka, on the same `requests` topic."""
    prefix = f"b{stack.harness.run}"
    stack.extra_prefixes.append(prefix)
    await create_topics(_with_prefix(stack, prefix))
    await stack.create_office_topics(workload.offices, prefix=prefix)
    changelogs = {name: f"{prefix}-baseline-{name}-changelog" for name in TABLES}
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1, topic_configs={"cleanup.policy": "compact"})
                                   for t in changelogs.values()])
    finally:
        await admin.close()

    pending: list[tuple[str, str, bytes | None]] = []
    core = make_core({name: ChangelogDict(name, pending) for name in TABLES})
    for _, raw in workload.setup:
        apply_one(core, raw, prefix)
    pending.clear()

    n, group = len(workload.requests), f"{prefix}-baseline"
    ready = asyncio.Event()
    watcher = asyncio.create_task(watch(stack.bootstrap, topics=[f"{prefix}.decisions"],
                                        until=n, timeout=600, ready=ready))
    await ready.wait()
    consumer = AIOKafkaConsumer(
        stack.topic("requests"), bootstrap_servers=stack.bootstrap, group_id=group,
        isolation_level="read_committed", enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks="all",
                                enable_idempotence=True, linger_ms=5,
                                transactional_id=f"{prefix}-baseline-tx")
    await consumer.start()
    await producer.start()
    started, done, transactions = time.time(), 0, 0
    try:
        while done < n:
            polled = await consumer.getmany(timeout_ms=500, max_records=batch)
            if not polled:
                continue
            async with producer.transaction():
                offsets: dict[TopicPartition, int] = {}
                for tp, records in polled.items():
                    for m in records:
                        key = m.key.decode() if m.key else None
                        for out in apply_one(core, m.value, prefix, m.topic, m.partition,
                                             m.offset, key):
                            await producer.send(out.topic, key=out.key.encode(), value=out.value)
                        done += 1
                    offsets[tp] = records[-1].offset + 1
                for name, key_text, value in pending:
                    await producer.send(changelogs[name], key=key_text.encode(), value=value)
                pending.clear()
                await producer.send_offsets_to_transaction(offsets, group)
            transactions += 1
    finally:
        await producer.stop()
        await consumer.stop()
    seen = await watcher
    first, last = seen.times[0], seen.times[n - 1]
    return {
        "requests": n, "batch": batch, "transactions": transactions,
        "start_to_first_decision_s": round(first - started, 2),
        "first_to_last_s": round(last - first, 2),
        "requests_per_s": round((n - 1) / (last - first), 1) if last > first else None,
    }


def _with_prefix(stack: Stack, prefix: str) -> Any:
    import dataclasses

    return dataclasses.replace(stack.settings, topic_prefix=prefix)


_PRODUCED = re.compile(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), "
                       r"([\d.]+) ms avg latency, ([\d.]+) ms max latency")


async def perf_tools(stack: Stack, record_size: int, records: int) -> dict[str, Any]:
    """(b): the broker's limit on this machine for records of our size (6 partitions)."""
    plain, tx = stack.topic("perf"), stack.topic("perf-tx")
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(plain, 6, 1), NewTopic(tx, 6, 1)])
    finally:
        await admin.close()
    common = ["--num-records", str(records), "--record-size", str(record_size),
              "--throughput", "-1"]
    props = ["--producer-props", f"bootstrap.servers={stack.bootstrap}", "acks=all",
             "enable.idempotence=true"]
    tool = "org.apache.kafka.tools.ProducerPerformance"
    result: dict[str, Any] = {"records": records, "record_size": record_size}
    for name, topic, extra in (
        ("producer", plain, []),
        ("producer_transactional", tx,
         ["--transactional-id", f"{stack.harness.prefix}-perf",
          "--transaction-duration-ms", "100"]),
    ):
        out = await asyncio.to_thread(kafka_tool, stack.settings, tool,
                                      ["--topic", topic, *common, *extra, *props])
        match = _PRODUCED.findall(out)
        if match:
            _sent, per_s, mb_s, avg_ms, max_ms = match[-1]
            result[name] = {"records_per_s": float(per_s), "mb_per_s": float(mb_s),
                            "avg_latency_ms": float(avg_ms), "max_latency_ms": float(max_ms)}
    out = await asyncio.to_thread(kafka_tool, stack.settings,
                                  "org.apache.kafka.tools.ConsumerPerformance",
                                  ["--bootstrap-server", stack.bootstrap, "--topic", tx,
                                   "--num-records", str(records), "--timeout", "30000",
                                   "--command-property", "isolation.level=read_committed"])
    result["consumer_read_committed"] = _consumer_stats(out)
    return result


def _consumer_stats(out: str) -> dict[str, Any]:
    lines = [ln for ln in out.splitlines() if "," in ln]
    if len(lines) < 2:
        return {"raw": out[-500:]}
    header = [h.strip() for h in lines[0].split(",")]
    values = [v.strip() for v in lines[-1].split(",")]
    row = dict(zip(header, values, strict=False))
    return {"records_per_s": float(row.get("nMsg.sec", "0")),
            "mb_per_s": float(row.get("MB.sec", "0"))}


def profile_pure(workload: Workload) -> str:
    try:
        from pyinstrument import Profiler  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "pyinstrument is not installed (pip install pyinstrument)"
    profiler = Profiler(interval=0.0005)
    profiler.start()
    pure_loop(workload)
    profiler.stop()
    return str(profiler.output_text(unicode=False, color=False, show_all=False))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"bench": "throughput", "quick": args.quick, **environment()}
    async with Stack() as stack:
        report["cluster_topics_at_start"] = await stack.cluster_topics()
        workload = build_workload(args.offices, args.requests, stack.harness.run)
        size = workload.request_bytes_mean
        ours = await worker_run(stack, workload)
        for worker in stack.harness.workers:
            worker.stop()
        ours.pop("decision_times")
        ours.pop("owner_at")
        pure = pure_loop(workload)
        loop = await aiokafka_loop(stack, workload, args.batch)
        perf: dict[str, Any] = {}
        if not args.skip_perf:
            try:
                perf = await perf_tools(stack, size, max(args.requests, args.perf_records))
            except (RuntimeError, OSError) as error:
                perf = {"error": str(error)}
    broker_produce = perf.get("producer", {}).get("records_per_s")
    broker_tx = perf.get("producer_transactional", {}).get("records_per_s")
    broker_consume = perf.get("consumer_read_committed", {}).get("records_per_s")
    ours_rate = ours["requests_per_s"]
    rows = [
        {"what": "ours: 1 worker, exactly_once (ingest + route)", "rate": ours_rate,
         "vs_ours": 1.0},
        {"what": "ours, from /health owns router log", "rate": ours["requests_per_s_from_owner"],
         "vs_ours": ratio(ours["requests_per_s_from_owner"], ours_rate)},
        {"what": "ours, second half of the run (warm)",
         "rate": ours["requests_per_s_second_half"],
         "vs_ours": ratio(ours["requests_per_s_second_half"], ours_rate)},
        {"what": f"(a) aiokafka tx loop, batch {args.batch}", "rate": loop["requests_per_s"],
         "vs_ours": ratio(loop["requests_per_s"], ours_rate)},
        {"what": "(c) pure apply loop, no Kafka", "rate": pure["requests_per_s"],
         "vs_ours": ratio(pure["requests_per_s"], ours_rate)},
        {"what": f"(b) ProducerPerformance {size} B, acks=all", "rate": broker_produce,
         "vs_ours": ratio(broker_produce, ours_rate)},
        {"what": "(b) ProducerPerformance, transactional", "rate": broker_tx,
         "vs_ours": ratio(broker_tx, ours_rate)},
        {"what": "(b) ConsumerPerformance, read_committed", "rate": broker_consume,
         "vs_ours": ratio(broker_consume, ours_rate)},
    ]
    if ours["missing"]:
        rows[0]["what"] += f" ({ours['missing']} MISSING)"
    report.update({
        "requests": args.requests, "offices": args.offices, "request_bytes_mean": size,
        "ours": ours, "baseline_aiokafka": loop, "baseline_pure": pure, "baseline_kafka_perf": perf,
        "ratios": {
            "ours_over_aiokafka": ratio(ours_rate, loop["requests_per_s"]),
            "ours_over_pure": ratio(ours_rate, pure["requests_per_s"]),
            "ours_over_broker_produce": ratio(ours_rate, broker_produce),
            "ours_over_broker_produce_tx": ratio(ours_rate, broker_tx),
            "ours_over_broker_consume": ratio(ours_rate, broker_consume),
        },
        "rows": rows,
    })
    print(table(rows, [("what", "what"), ("rate", "requests/s"), ("vs_ours", "x ours")]))
    print(f"\nours/(a) = {report['ratios']['ours_over_aiokafka']}, "
          f"ours/(b) produce = {report['ratios']['ours_over_broker_produce']}, "
          f"ours/(c) = {report['ratios']['ours_over_pure']}; "
          f"{pure['messages_per_request']} output messages per request")
    commits = ours.get("commits") or {}
    if commits:
        total = sum(commits.values())
        waiting = commits.get("writes waiting", 0)
        print(f"router commits: {total}, of which {waiting} found table writes still in "
              f"Faust's producer buffer (drained by the commit barrier)")
    if args.profile:
        text = profile_pure(build_workload(args.offices, min(args.requests, 5000), "prof"))
        print(text)
        report["profile_pure_loop"] = text
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100, help="(a): messages per transaction")
    parser.add_argument("--perf-records", type=int, default=200_000,
                        help="(b): records for Kafka's perf tools (at least --requests)")
    parser.add_argument("--skip-perf", action="store_true", help="skip (b)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the pure loop")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.offices, args.perf_records = min(args.requests, 300), 20, 2000
    report = asyncio.run(run(args))
    path = write_results("throughput", report)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
