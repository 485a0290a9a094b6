"""Resident memory of a REAL router worker holding many offices and many open requests.

    python bench/memory_worker.py [--offices 100000] [--open 1000000] [--steady 30] [--quick]

bench/memory.py measures the router core's share in one plain process; this measures a
`router worker` process (production settings: exactly_once, Postgres sink on, manual clock)
on a private stack (`stack_support.Stack`: own topic prefix and database, removed on exit):

1. a worker on EMPTY tables: it declares its table changelogs (so they are exactly what
   Faust creates), is forced to build its (empty) router state by one clock tick, and its
   RSS is the baseline; then it is stopped;
2. the same synthetic state as bench/memory.py's `measure()` (decision_cost's network of
   `--offices` licences and 500 services, `--open` open assigned requests, the loads) plus
   the clock and one contract-valid probe service and office, written straight into the
   table changelogs `<app id>-<table>-changelog` (1 partition, cleanup.policy=compact; key =
   the JSON string of the table key, as Faust's json key codec writes it for
   `key_type=str`; value = the raw bytes of the `streams.codecs` encoder), with plain
   batched aiokafka sends (acks=1, no transaction: visible to read_committed readers);
3. a second worker (same app id) recovers the tables; recovery is over when /metrics shows
   no lag on any changelog partition (/health and /metrics, like all the app's services,
   only answer once the tables are recovered, so recovery is timed from the process start,
   less the empty worker's start-up); then one probe `request.submitted` on the router log
   makes the route agent rebuild its state (its "router state rebuilt" log line gives the
   offices/services/deadlines it found) and is routed to the probe office;
4. a short steady state: one clock tick a second (nothing falls due) and a few probe
   requests, all of which must be decided (the route agent's "routed" log lines); the
   decisions that reached the `decisions` topic through the outbox relay are counted too.

VmRSS / VmHWM of the worker process (/proc/<pid>/status) are read after each step and
every half second in between (the run stops if the worker passes --max-rss-gib). Prints a
table and writes bench/results/memory_worker.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import decision_cost
import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from memory import _uuid
from scenario_builders import licence, request, service
from stack_support import (
    RESULTS_DIR,
    ROOT,
    Stack,
    environment,
    raw_event,
    table,
    wait_owner,
    watch,
    write_results,
)
from streams_harness import Worker
from throughput import make_core

from contracts.registry import parse_event
from router.records import RequestRecord
from router.regions import Region
from router.states import RequestState
from streams import codecs
from streams.translate import to_input

TABLES = ("requests", "loads", "licences", "services", "clock")
NOW = decision_cost.NOW
PROBE_SERVICE, PROBE_OFFICE, PROBE_CITY = "CIV-101", "GEN-00001", "23-001"
MIB = 2**20


# -- the worker process ---------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon (MiB) of a process."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon"):
            out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out


def mem_available_mib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class Sampler:
    """RSS of one worker every `every` s; kills it past `limit_mib`."""

    def __init__(self, worker: Worker, limit_mib: float, every: float = 0.5) -> None:
        self.worker, self.limit, self.every = worker, limit_mib, every
        self.started = time.time()
        self.timeline: list[dict[str, float]] = []
        self.exceeded = False
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self.worker.process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                status = proc_status(self.worker.process.pid)
                self.timeline.append({"t": round(time.time() - self.started, 1), **status})
                if len(self.timeline) % 60 == 0:
                    print(f"    {self.timeline[-1]}", flush=True)
                if status.get("VmRSS", 0) > self.limit:
                    self.exceeded = True
                    self.worker.kill()
                    return
            await asyncio.sleep(self.every)

    def check(self) -> None:
        if self.exceeded:
            raise RuntimeError(f"worker RSS passed {self.limit:,.0f} MiB: stopped")
        if self.worker.process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{self.worker.log_tail(30)}")

    def peak(self) -> float:
        return max((s.get("VmRSS", 0.0) for s in self.timeline), default=0.0)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def log_lines(worker: Worker, event: str) -> list[dict[str, Any]]:
    """The worker's structlog JSON lines with this `event`."""
    text = worker.log.read_text(errors="replace") if worker.log.exists() else ""
    out = []
    for line in text.splitlines():
        if f'"{event}"' in line and line.startswith("{"):
            with contextlib.suppress(ValueError):
                parsed = json.loads(line)
                if parsed.get("event") == event:
                    out.append(parsed)
    return out


async def wait_log(worker: Worker, event: str, timeout: float,
                   sampler: Sampler | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sampler is not None:
            sampler.check()
        elif worker.process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{worker.log_tail(30)}")
        found = log_lines(worker, event)
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise RuntimeError(f"no {event!r} within {timeout}s:\n{worker.log_tail(30)}")


_LAG = re.compile(r'^govroute_consumer_lag\{([^}]*)\}\s+([0-9.e+-]+)$', re.M)


async def changelog_lags(stack: Stack, worker: Worker) -> dict[str, float]:
    """Lag per changelog topic from the worker's /metrics (its consumer's assignment)."""
    text = await stack.harness.metrics(worker)
    lags: dict[str, float] = {}
    for labels, value in _LAG.findall(text):
        topic = re.search(r'topic="([^"]*)"', labels)
        if topic and topic.group(1).endswith("-changelog"):
            lags[topic.group(1)] = float(value)
    return lags


async def wait_recovered(stack: Stack, worker: Worker, changelogs: Sequence[str],
                         sampler: Sampler, timeout: float) -> float:
    """The time at which every changelog partition shows zero lag (recovery read it all)."""
    deadline = time.monotonic() + timeout
    last: dict[str, float] = {}
    while time.monotonic() < deadline:
        sampler.check()
        with contextlib.suppress(OSError, ValueError, IndexError):
            last = await changelog_lags(stack, worker)
            if all(last.get(t) == 0 for t in changelogs):
                return time.time()
        await asyncio.sleep(0.25)
    raise RuntimeError(f"changelogs not recovered within {timeout}s (lags {last}):\n"
                       + worker.log_tail(30))


# -- the synthetic state ------------------------------------------------------------------


def probe_entries() -> dict[str, dict[str, bytes]]:
    """The probe service and office as the worker itself would store them: contract events
    applied by a RouterCore over plain dicts through the worker's codecs."""
    tables: dict[str, dict[str, bytes]] = {n: {} for n in TABLES}
    core = make_core(tables)  # type: ignore[arg-type]
    for payload in (service(PROBE_SERVICE, reach="city"),
                    licence(PROBE_OFFICE, city=PROBE_CITY, capacity=100_000)):
        envelope = parse_event(raw_event(payload, NOW))
        core.handle(to_input(envelope), at=NOW)
    return tables


class State:
    """bench/memory.py's `measure()` state, generated lazily, as changelog (key, value) pairs."""

    def __init__(self, offices: int, open_requests: int, seed: int) -> None:
        self.offices, self.open, self.seed = offices, open_requests, seed
        world = decision_cost.build_world(offices, 0, seed)
        self.services = list(world.catalog.values())
        self.licences = list(world.registry)
        self.loads: dict[str, int] = {}
        self.probe = probe_entries()

    def requests(self) -> Iterator[tuple[str, bytes]]:
        rng = random.Random(self.seed)
        at, seed, licences = NOW, self.seed, self.licences
        for n in range(self.open):
            lic = licences[rng.randrange(len(licences))]
            submitted = at + timedelta(seconds=n % 86_400)
            record = RequestRecord(
                request_id=f"REQ-{seed % 1000:03d}-{n:09d}",
                service_code=f"S{rng.randrange(500):03d}",
                region=Region(lic.region.province, lic.region.city),
                citizen_national_id=f"{rng.randrange(10**9, 10**10)}", channel="web",
                preferred_office=None, submitted_at=submitted, state=RequestState.ASSIGNED,
                attempt=1, office_id=lic.office_id,
                assignment_id=f"A-{rng.getrandbits(96):024x}",
                accept_by=submitted + timedelta(minutes=10), seq=2, applied=(_uuid(rng),),
            )
            self.loads[lic.office_id] = self.loads.get(lic.office_id, 0) + 1
            yield record.request_id, codecs.encode_record(record)

    def table(self, name: str) -> Iterable[tuple[str, bytes]]:
        """Only call "loads" after "requests" has been consumed."""
        probe = list(self.probe[name].items())
        if name == "requests":
            return self.requests()
        if name == "loads":
            return [(o, codecs.encode_int(n)) for o, n in self.loads.items()]
        if name == "licences":
            return [(lic.office_id, codecs.encode_licence(lic)) for lic in self.licences] + probe
        if name == "services":
            return [(s.code, codecs.encode_service(s)) for s in self.services] + probe
        return [("now", codecs.encode_time(NOW))]


async def produce(producer: AIOKafkaProducer, topic: str,
                  items: Iterable[tuple[str, bytes]]) -> tuple[int, int]:
    """(key, value) pairs as changelog records, in big batches; (records, bytes)."""
    count = size = 0
    in_flight: list[asyncio.Future[Any]] = []
    batch = producer.create_batch()
    for key, value in items:
        raw_key = orjson.dumps(key)  # Faust's json key codec for key_type=str
        if batch.append(key=raw_key, value=value, timestamp=None) is None:
            in_flight.append(await producer.send_batch(batch, topic, partition=0))
            batch = producer.create_batch()
            batch.append(key=raw_key, value=value, timestamp=None)
            if len(in_flight) >= 32:
                await in_flight.pop(0)
        count += 1
        size += len(raw_key) + len(value)
    if batch.record_count():
        in_flight.append(await producer.send_batch(batch, topic, partition=0))
    await asyncio.gather(*in_flight)
    return count, size


async def changelog_topics(stack: Stack, names: Sequence[str]) -> dict[str, Any]:
    """Partitions and cleanup policy of the changelogs (as the empty worker declared them)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:  # Faust declares them on start; create them as it would if it did not
            await admin.create_topics([NewTopic(n, 1, 1, topic_configs={
                "cleanup.policy": "compact"}) for n in missing])
        described = await admin.describe_topics(list(names))
        configs = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
    finally:
        await admin.close()
    out: dict[str, Any] = {d["topic"]: {"partitions": len(d["partitions"])} for d in described}
    for response in configs:
        for resource in response.resources:
            entries = {c[0]: c[1] for c in resource[4]}
            out[resource[3]]["cleanup.policy"] = entries.get("cleanup.policy")
            out[resource[3]]["created_by_bench"] = resource[3] in missing
    return out


# -- the run ----------------------------------------------------------------------------------


async def probes_routed(worker: Worker, ids: set[str], timeout: float,
                        sampler: Sampler) -> dict[str, str | None]:
    """request id -> office id, from the route agent's "routed" log lines (its decisions)."""
    deadline = time.monotonic() + timeout
    found: dict[str, str | None] = {}
    while time.monotonic() < deadline:
        sampler.check()
        found = {line["request_id"]: line.get("office_id") for line in log_lines(worker, "routed")
                 if line.get("request_id") in ids}
        if set(found) >= ids:
            break
        await asyncio.sleep(0.2)
    return found


async def probes_delivered(stack: Stack, ids: set[str], timeout: float) -> dict[str, str | None]:
    """request id -> office id of the committed decisions on the `decisions` topic (what the
    outbox relay delivered)."""
    seen = await watch(stack.bootstrap, topics=[stack.topic("decisions")], until=len(ids),
                       timeout=timeout, keep_values=True)
    out: dict[str, str | None] = {}
    for value in seen.values:
        payload = parse_event(value).payload
        if getattr(payload, "request_id", None) in ids:
            out[payload.request_id] = getattr(payload, "office_id", None)
    return out


async def publish_probe(stack: Stack, n: int, at: datetime) -> str:
    rid = f"PROBE-{n:06d}"
    await stack.harness.publish("router-log", request(rid, PROBE_SERVICE, city=PROBE_CITY, at=at),
                                at=at, key=rid)
    return rid


async def run(args: argparse.Namespace) -> dict[str, Any]:
    limit = args.max_rss_gib * 1024
    async with Stack() as stack:
        app_id = f"{stack.harness.prefix}-router"
        changelogs = {name: f"{app_id}-{name}-changelog" for name in TABLES}
        steps: list[dict[str, Any]] = []

        def step(name: str, worker: Worker, t0: float, **extra: Any) -> None:
            steps.append({"step": name, "t": round(time.time() - t0, 1),
                          **proc_status(worker.process.pid), **extra})
            print(f"  {steps[-1]}", flush=True)

        # 1. the empty worker
        print("empty worker ...", flush=True)
        empty = stack.start_worker("empty")
        sampler = Sampler(empty, limit)
        t0 = time.time()
        empty_owner_at = await wait_owner(stack, [empty], 120)
        if empty_owner_at is None:
            raise RuntimeError(f"empty worker never owned the router log:\n{empty.log_tail()}")
        startup_s = empty_owner_at - t0
        await stack.harness.tick(NOW)
        empty_rebuilt = await wait_log(empty, "router state rebuilt", 60, sampler)
        await asyncio.sleep(args.settle)
        step("empty tables, state rebuilt (baseline)", empty, t0, rebuilt=empty_rebuilt)
        empty.stop()
        await sampler.stop()
        topics = await changelog_topics(stack, list(changelogs.values()))

        # 2. the changelogs
        print(f"writing {args.offices:,} offices, {args.open:,} open requests ...", flush=True)
        started = time.perf_counter()
        state = State(args.offices, args.open, args.seed)
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks=1, linger_ms=20,
                                    max_batch_size=512 * 1024, max_request_size=4 * MIB)
        await producer.start()
        written: dict[str, dict[str, int]] = {}
        try:
            for name in ("requests", "loads", "licences", "services", "clock"):
                count, size = await produce(producer, changelogs[name], state.table(name))
                written[name] = {"records": count, "bytes": size}
                print(f"  {changelogs[name]}: {count:,} records, {size / MIB:,.1f} MiB "
                      f"({time.perf_counter() - started:.1f} s)", flush=True)
        finally:
            await producer.stop()
        fill_s = round(time.perf_counter() - started, 1)
        records = sum(w["records"] for w in written.values())
        del state

        # 3. the measured worker
        print("worker ...", flush=True)
        worker = stack.start_worker("w1")
        sampler = Sampler(worker, limit)
        t0 = time.time()
        # /health (like every app service) only answers once the tables are recovered
        owner_at = await wait_owner(stack, [worker], args.timeout)
        if owner_at is None:
            raise RuntimeError(f"worker never owned the router log:\n{worker.log_tail()}")
        step("/health answers, owns the router log", worker, t0)
        recovered_at = await wait_recovered(stack, worker, list(changelogs.values()), sampler,
                                            args.timeout)
        step("tables recovered (changelog lag 0)", worker, t0)
        await asyncio.sleep(args.settle)
        step(f"recovered + {args.settle:g} s", worker, t0)

        probe_at = time.time()
        first = await publish_probe(stack, 0, NOW)
        rebuilt = await wait_log(worker, "router state rebuilt", args.timeout, sampler)
        routed = await probes_routed(worker, {first}, 120, sampler)
        rebuilt_at = time.time()
        step("router state rebuilt, probe routed", worker, t0)
        await asyncio.sleep(args.settle)
        step(f"rebuilt + {args.settle:g} s", worker, t0)

        # 4. steady state
        ids = {first}
        for k in range(1, args.steady + 1):
            await stack.harness.tick(NOW + timedelta(seconds=k))
            for i in range(args.rate):
                ids.add(await publish_probe(stack, k * 1000 + i, NOW + timedelta(seconds=k)))
            await asyncio.sleep(1)
            sampler.check()
        routed = await probes_routed(worker, ids, 120, sampler)
        delivered = await probes_delivered(stack, ids, 60)
        if len(delivered) < len(ids):
            print(f"WARNING: the route agent decided {len(routed)} of {len(ids)} probes, but "
                  f"only {len(delivered)} decisions reached the decisions topic", file=sys.stderr)
        step(f"steady state ({args.steady} s: 1 tick/s, {args.rate} requests/s)", worker, t0)
        peak = sampler.peak()
        timeline = sampler.timeline
        worker.stop()
        await sampler.stop()
        text = worker.log.read_text(errors="replace")
        expired = text.count("Heartbeat session expired")

    base = steps[0]["VmRSS"]
    for s in steps:
        s["over_baseline"] = round(s["VmRSS"] - base, 1)
    after = {s["step"]: s for s in steps}
    rec = after["tables recovered (changelog lag 0)"]
    reb = after["router state rebuilt, probe routed"]
    # /health only answers once recovery is over: recovery is timed from the process start,
    # less the empty worker's start-up (process start to owning the router log)
    start_to_recovered = recovered_at - t0
    recovery_s = round(start_to_recovered - startup_s, 1)
    result: dict[str, Any] = {
        "offices": args.offices,
        "open_requests": args.open,
        "changelog_topics": topics,
        "changelog_key_format": "JSON string of the table key (Faust json key codec)",
        "changelog_value_format": "raw streams.codecs bytes",
        "written": written,
        "records_written": records,
        "fill_s": fill_s,
        "empty_rebuilt": {k: empty_rebuilt.get(k) for k in ("offices", "services", "deadlines")},
        "rebuilt": {k: rebuilt.get(k) for k in ("offices", "services", "deadlines", "seconds")},
        "expected": {"offices": args.offices + 1, "services": written["services"]["records"],
                     "deadlines": args.open},
        "probe_office": routed.get(first),
        "probes": len(ids),
        "probes_routed_to_probe_office": sum(1 for o in routed.values() if o == PROBE_OFFICE),
        "probes_delivered": len(delivered),
        "heartbeat_session_expired_lines": expired,
        "empty_start_to_owner_s": round(startup_s, 1),
        "start_to_owner_s": round(owner_at - t0, 1),
        "start_to_recovered_s": round(start_to_recovered, 1),
        "recovery_s": recovery_s,
        "recovery_records_per_s": round(records / recovery_s) if recovery_s > 0 else None,
        "probe_to_rebuilt_s": round(rebuilt_at - probe_at, 1),
        "rebuild_s": rebuilt.get("seconds"),
        "peak_rss_mib": peak,
        "steps": steps,
        "timeline": timeline,
        "bytes_per_request_recovered": round((rec["VmRSS"] - base) * MIB / max(1, args.open)),
        "store_bytes_per_record": round((rec["VmRSS"] - base) * MIB / max(1, records)),
        "encoded_bytes_per_record": round(sum(w["bytes"] for w in written.values())
                                          / max(1, records)),
        "rebuild_mib": round(reb["VmRSS"] - rec["VmRSS"], 1),
        "bytes_per_request_rebuilt": round((reb["VmRSS"] - base) * MIB / max(1, args.open)),
        "encoded_bytes_per_request": round(written["requests"]["bytes"] / max(1, args.open)),
    }
    return result


def _reference(offices: int, open_requests: int) -> dict[str, Any] | None:
    """bench/memory.py's result for the same sizes, if there is one."""
    path = RESULTS_DIR / "memory.json"
    with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
        report = json.loads(path.read_text())
        if report["offices"] == offices and report["open_requests"] == open_requests:
            variant = report["variants"][0]
            return {"date": report["date"], "baseline_rss_mib": report["baseline_rss_mib"],
                    "rss_mib": variant["rss_mib"],
                    "total_over_baseline_mib": variant["total_over_baseline_mib"]}
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=1_000_000, help="open requests")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--steady", type=int, default=30, help="steady-state seconds")
    parser.add_argument("--rate", type=int, default=10, help="probe requests a second")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before a sample")
    parser.add_argument("--timeout", type=float, default=1800, help="recovery/rebuild limit")
    parser.add_argument("--max-rss-gib", type=float, default=16.0,
                        help="stop the worker past this RSS")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.offices, args.open, args.steady, args.settle = 1_000, 10_000, 3, 2.0
    report: dict[str, Any] = {"bench": "memory_worker", "quick": args.quick, **environment(),
                              "mem_available_mib_at_start": mem_available_mib()}
    result = asyncio.run(run(args))
    report.update(result)
    report["memory_py_reference"] = _reference(args.offices, args.open)
    print()
    print(table(result["steps"], [("step", "step"), ("t", "t s"), ("VmRSS", "VmRSS MiB"),
                                  ("VmHWM", "VmHWM MiB"), ("RssAnon", "RssAnon MiB"),
                                  ("over_baseline", "over baseline MiB")]))
    print()
    rebuilt, steps = result["rebuilt"], {s["step"]: s for s in result["steps"]}
    timing = [{
        "offices": rebuilt["offices"], "deadlines": rebuilt["deadlines"],
        "records": result["records_written"], "fill_s": result["fill_s"],
        "start_to_recovered": result["start_to_recovered_s"],
        "recovery_s": result["recovery_s"], "rate": result["recovery_records_per_s"],
        "rebuild_s": result["rebuild_s"], "probe_s": result["probe_to_rebuilt_s"],
    }]
    print(table(timing, [
        ("offices", "offices rebuilt"), ("deadlines", "deadlines"),
        ("records", "changelog records"), ("fill_s", "write s"),
        ("start_to_recovered", "start to recovered s"), ("recovery_s", "recovery s"),
        ("rate", "records/s recovered"), ("rebuild_s", "rebuild s (log)"),
        ("probe_s", "probe to routed s")]))
    print()
    ref = report["memory_py_reference"]
    memory = [{
        "base": result["steps"][0]["VmRSS"],
        "recovered": steps["tables recovered (changelog lag 0)"]["VmRSS"],
        "rebuilt": steps["router state rebuilt, probe routed"]["VmRSS"],
        "peak": result["peak_rss_mib"], "store": result["store_bytes_per_record"],
        "enc": result["encoded_bytes_per_record"], "rebuild_mib": result["rebuild_mib"],
        "per_request": result["bytes_per_request_rebuilt"],
        "memory_py": ref["total_over_baseline_mib"] if ref else None,
    }]
    print(table(memory, [
        ("base", "empty RSS MiB"), ("recovered", "recovered RSS MiB"),
        ("rebuilt", "rebuilt RSS MiB"), ("peak", "peak RSS MiB"),
        ("store", "store B/record"), ("enc", "encoded B/record"),
        ("rebuild_mib", "rebuild +MiB"), ("per_request", "B/open request (all)"),
        ("memory_py", "memory.py over baseline MiB")]))
    ref = report["memory_py_reference"]
    path = write_results("memory_worker", report)
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
