"""Shared pieces of the stack benchmarks: environment, workloads, a private router, watchers.

Every run gets its own topic prefix and Postgres database (through the integration
tests' `Harness`), so a bench never sees another run's offices or requests; `Stack`
deletes its topics and database again on exit. Nothing here asserts a timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests" / "integration"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import aiokafka  # noqa: E402
import asyncpg  # noqa: E402
import faust  # noqa: E402
from aiokafka import AIOKafkaConsumer  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402
from scenario_builders import DAY, licence, request, service  # noqa: E402
from streams_harness import Harness, Worker  # noqa: E402

from contracts.registry import new_envelope, to_bytes  # noqa: E402
from contracts.topics import office_topic  # noqa: E402
from infra.postgres import superuser  # noqa: E402
from infra.settings import KAFKA_VERSION, Settings  # noqa: E402
from infra.stack import ensure_up  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
#: Kafka's perf tools live in kafka-tools, which the broker does not need; it is fetched
#: with Maven (`ensure_kafka_tools`) into its own dir, never into the verified libs dir.
TOOLS_DIR = Path(os.environ.get("GOVROUTE_BENCH_TOOLS",
                                Path.home() / ".cache" / "govroute" / "bench-tools"))


# -- environment and results ------------------------------------------------------------


def _mem_total_kib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def environment() -> dict[str, Any]:
    """Date, versions and machine, recorded beside every result."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "faust": getattr(faust, "__version__", "?"),
            "aiokafka": aiokafka.__version__,
            "kafka": KAFKA_VERSION,
        },
        "machine": {
            "nproc": os.cpu_count(),
            "memory_gib": round(_mem_total_kib() / 1024 / 1024, 1),
            "load_average_1m_at_start": round(os.getloadavg()[0], 2),
            "platform": platform.platform(),
        },
    }


def write_results(name: str, report: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return path


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A fixed-width table; `columns` are (key, header)."""
    cells = [[_cell(r.get(key)) for key, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
              for i, (_, h) in enumerate(columns)]
    head = "  ".join(h.rjust(w) for (_, h), w in zip(columns, widths, strict=True))
    lines = [head, "-" * len(head)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def ratio(ours: float | None, base: float | None) -> float | None:
    return None if not ours or not base else round(ours / base, 3)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


# -- workloads ----------------------------------------------------------------------------

SERVICES = ("CIV-101", "CIV-102", "CIV-103", "CIV-104")
PROVINCES = 5
CITIES_PER_PROVINCE = 4


def cities() -> list[str]:
    """Province-major round robin: any 5 consecutive offices cover every province."""
    return [f"{10 + p:02d}-{c + 1:03d}" for c in range(CITIES_PER_PROVINCE)
            for p in range(PROVINCES)]


@dataclasses.dataclass(frozen=True)
class Workload:
    """Raw contract events, in publishing order: set-up (catalog, licences) and requests."""

    setup: list[tuple[str, bytes]]  # (key, raw) for the router log, catalog first
    requests: list[tuple[str, bytes]]  # (request id, raw) for the requests topic
    offices: list[str]

    @property
    def request_bytes_mean(self) -> int:
        return round(sum(len(raw) for _, raw in self.requests) / max(1, len(self.requests)))


def raw_event(payload: Any, at: datetime) -> bytes:
    return to_bytes(new_envelope(payload, producer="bench", occurred_at=at))


def build_setup(offices: int, capacity: int) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Four province-reach delegated services; general offices spread over 20 cities."""
    setup = [(code, raw_event(service(code, reach="province"), DAY)) for code in SERVICES]
    towns = cities()
    ids = [f"GEN-{i:05d}" for i in range(offices)]
    for i, office in enumerate(ids):
        setup.append((office, raw_event(
            licence(office, city=towns[i % len(towns)], capacity=min(100_000, capacity)), DAY)))
    return setup, ids


def build_requests(count: int, run: str, seed: int = 7, start: int = 0) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    towns = cities()
    out = []
    for n in range(start, start + count):
        request_id = f"REQ-{run}-{n:07d}"
        payload = request(request_id, rng.choice(SERVICES), city=rng.choice(towns),
                          at=DAY + timedelta(milliseconds=n))
        out.append((request_id, raw_event(payload, DAY + timedelta(milliseconds=n))))
    return out


def build_workload(offices: int, requests: int, run: str) -> Workload:
    capacity = max(10, 2 * requests // max(1, offices) + 10)
    setup, ids = build_setup(offices, capacity)
    return Workload(setup, build_requests(requests, run), ids)


# -- a private router deployment ----------------------------------------------------------


class Stack:
    """The local stack plus a `Harness` (own prefix, database); cleans both up on exit."""

    def __init__(self, keep: bool = False) -> None:
        self.settings: Settings = ensure_up()
        self.tmp = Path(tempfile.mkdtemp(prefix="govroute-bench-"))
        self.harness = Harness(self.settings, self.tmp)
        self.keep = keep
        self.extra_prefixes: list[str] = []

    @property
    def bootstrap(self) -> str:
        return self.settings.kafka_bootstrap

    async def __aenter__(self) -> Stack:
        await self.harness.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.harness.close()
        if exc is not None:
            for worker in self.harness.workers:
                print(f"--- worker {worker.name} log tail ---\n{worker.log_tail(30)}",
                      file=sys.stderr)
        if not self.keep:
            await self.cleanup()
            shutil.rmtree(self.tmp, ignore_errors=True)

    async def cleanup(self) -> None:
        prefixes = (self.harness.prefix, *self.extra_prefixes)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            names = [t for t in await admin.list_topics()
                     if any(t.startswith(p + ".") or t.startswith(p + "-") for p in prefixes)]
            for start in range(0, len(names), 200):
                try:
                    await admin.delete_topics(names[start:start + 200])
                except Exception as error:  # a leftover topic is harmless
                    print(f"topic cleanup: {error}", file=sys.stderr)
        finally:
            await admin.close()
        async with superuser(self.settings) as conn:
            await conn.execute(f'DROP DATABASE IF EXISTS "t_{self.harness.run}" WITH (FORCE)')

    def topic(self, name: str) -> str:
        return self.harness.topic(name)

    async def cluster_topics(self) -> int:
        """Topics in the whole broker: every aiokafka client's full-metadata refresh (and so a
        worker's CPU) grows with it, whoever created them."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            return len(await admin.list_topics())
        finally:
            await admin.close()

    async def create_office_topics(self, offices: Sequence[str], prefix: str | None = None) -> None:
        """Per-office topics up front, so the measured window does not include creating them."""
        prefix = prefix or self.harness.prefix
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            wanted = [NewTopic(office_topic(o, prefix), 1, 1, topic_configs={"retention.ms": "-1"})
                      for o in offices if office_topic(o, prefix) not in existing]
            for start in range(0, len(wanted), 100):
                await admin.create_topics(wanted[start:start + 100])
        finally:
            await admin.close()

    async def send_all(self, topic: str, messages: Sequence[tuple[str, bytes]],
                       chunk: int = 2000) -> None:
        """Publish (key, raw) in order, acks=all, idempotent; waits for every ack."""
        producer = self.harness.producer
        assert producer is not None
        for start in range(0, len(messages), chunk):
            futures = [await producer.send(topic, key=k.encode(), value=v)
                       for k, v in messages[start:start + chunk]]
            await asyncio.gather(*futures)

    async def prefill(self, workload: Workload) -> None:
        """Catalog and licences straight into the router log (so they precede every request),
        the office topics, then the requests on the intake topic."""
        await self.send_all(self.topic("router-log"), workload.setup)
        await self.create_office_topics(workload.offices)
        await self.send_all(self.topic("requests"), workload.requests)

    def start_worker(self, name: str = "w1", **env: str) -> Worker:
        return self.harness.start_worker(name, **env)

    async def health(self, worker: Worker) -> dict[str, Any]:
        return await self.harness.health(worker)

    async def row_count(self, table_name: str) -> int:
        rows = await self.harness.sql(f"SELECT count(*) AS n FROM govroute.{table_name}")
        return int(rows[0]["n"])


# -- watching a run -------------------------------------------------------------------------


@dataclasses.dataclass
class Seen:
    """Wall-clock times (time.time()) at which messages became visible to a consumer."""

    times: list[float] = dataclasses.field(default_factory=list)
    values: list[bytes] = dataclasses.field(default_factory=list)


async def watch(bootstrap: str, *, topics: Sequence[str] = (), pattern: str | None = None,
                until: int, timeout: float, keep_values: bool = False,
                on_message: Callable[[bytes, float], None] | None = None,
                ready: asyncio.Event | None = None, idle: float | None = None) -> Seen:
    """Read committed messages from the start until `until` are seen, `timeout` passes, or
    (with `idle`) nothing new arrived for `idle` seconds after the first message."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, isolation_level="read_committed",
        auto_offset_reset="earliest", enable_auto_commit=False,
        group_id=f"bench-watch-{os.getpid()}-{time.monotonic_ns()}",
        metadata_max_age_ms=2000, fetch_max_wait_ms=50,
    )
    if pattern is not None:
        consumer.subscribe(pattern=pattern)
    await consumer.start()
    seen = Seen()
    deadline = time.monotonic() + timeout
    try:
        if ready is not None:
            ready.set()
        last_new = time.monotonic()
        while len(seen.times) < until and time.monotonic() < deadline:
            if idle is not None and seen.times and time.monotonic() - last_new > idle:
                break
            batch = await consumer.getmany(timeout_ms=200)
            now = time.time()
            if batch:
                last_new = time.monotonic()
            for messages in batch.values():
                for m in messages:
                    seen.times.append(now)
                    if keep_values:
                        seen.values.append(m.value)
                    if on_message is not None:
                        on_message(m.value, now)
    finally:
        await consumer.stop()
    return seen


async def poll(predicate: Callable[[], bool], timeout: float, every: float = 0.2) -> bool:
    """Until `predicate()` (state another task fills in) holds, or `timeout` s; True if it held."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


async def wait_owner(stack: Stack, workers: Sequence[Worker], timeout: float = 90) -> float | None:
    """The time at which a worker's /health first says it owns the router log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.name} exited:\n{worker.log_tail()}")
            try:
                if (await stack.health(worker)).get("owns_router_log"):
                    return time.time()
            except (OSError, ValueError, IndexError):
                pass
        await asyncio.sleep(0.05)
    return None


async def sample_sink(stack: Stack, samples: list[dict[str, float]], stop: asyncio.Event,
                      every: float = 0.5) -> None:
    """Every `every` s: the number of decision rows in Postgres (`decisions_over_time` adds
    the decisions committed on Kafka by then)."""
    conn = await asyncpg.connect(stack.harness.dsn)
    try:
        while not stop.is_set():
            rows = await conn.fetchval("SELECT count(*) FROM govroute.decisions")
            samples.append({"t": time.time(), "rows": int(rows)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
    finally:
        await conn.close()


async def worker_run(stack: Stack, workload: Workload, *, workers: int = 1,
                     timeout: float = 600, sink_samples: list[dict[str, float]] | None = None,
                     idle: float = 20) -> dict[str, Any]:
    """Prefill, start `workers` workers, and time committed decisions 1..N.

    A decision that never comes (a lost request) is reported as `missing`, and the rate is
    then over the decisions seen: the run ends after `idle` s without a new decision."""
    n = len(workload.requests)
    await stack.prefill(workload)
    ready = asyncio.Event()
    watcher = asyncio.create_task(
        watch(stack.bootstrap, topics=[stack.topic("decisions")], until=n, timeout=timeout,
              ready=ready, idle=idle))
    await ready.wait()
    started = time.time()
    procs = [stack.start_worker(f"w{i + 1}") for i in range(workers)]
    owner_at = await wait_owner(stack, procs)
    stop = asyncio.Event()
    sampler = None
    if sink_samples is not None:
        sampler = asyncio.create_task(sample_sink(stack, sink_samples, stop))
    seen = await watcher
    if sampler is not None and sink_samples is not None:
        samples = sink_samples  # let the sink catch up (bounded), to see how far behind it was
        decided = len(seen.times)
        await poll(lambda: bool(samples) and samples[-1]["rows"] >= decided, timeout=60)
        stop.set()
        await sampler
        decisions_over_time(seen.times, sink_samples)
    if not seen.times:
        raise RuntimeError(f"no decision within {timeout}s:\n" + procs[0].log_tail(30))
    commits = await commit_counts(stack, procs)
    got = len(seen.times)
    if got < n:
        print(f"WARNING: only {got} of {n} requests were decided ({workers} workers); "
              f"{n - got} missing", file=sys.stderr)
    first, last = seen.times[0], seen.times[-1]
    steady = (got - 1) / (last - first) if last > first else None
    # the first decision to each office pays for its topic's first send (metadata refresh):
    # the second half of the run is the warm rate
    mid = seen.times[got // 2]
    warm = (got - 1 - got // 2) / (last - mid) if last > mid else None
    from_owner = got / (last - owner_at) if owner_at and last > owner_at else None
    return {
        "workers": workers,
        "requests": n,
        "decided": got,
        "missing": n - got,
        "offices": len(workload.offices),
        "process_start_to_owner_s": round(owner_at - started, 2) if owner_at else None,
        "owner_to_first_decision_s": round(first - owner_at, 2) if owner_at else None,
        "first_to_last_s": round(last - first, 2),
        "requests_per_s": round(steady, 1) if steady else None,
        "requests_per_s_from_owner": round(from_owner, 1) if from_owner else None,
        "requests_per_s_second_half": round(warm, 1) if warm else None,
        "decision_times": seen.times,
        "owner_at": owner_at,
        "commits": commits,
    }


async def commit_counts(stack: Stack, workers: Sequence[Worker]) -> dict[str, int]:
    """The workers' router commits, by whether table writes were still in Faust's producer
    buffer at commit time (govroute_router_commits_total: see streams/faust_fixes.py)."""
    counts: dict[str, int] = {}
    for worker in workers:
        try:
            text = await stack.harness.metrics(worker)
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("govroute_router_commits_total{"):
                label = line.split('buffer="', 1)[1].split('"', 1)[0]
                counts[label] = counts.get(label, 0) + int(float(line.rsplit(" ", 1)[1]))
    return counts


def decisions_over_time(times: Sequence[float], samples: list[dict[str, float]]) -> None:
    """Fill the Kafka side of the sink samples from the decision times (both wall clock)."""
    for sample in samples:
        sample["kafka"] = float(sum(1 for t in times if t <= sample["t"]))


# -- Kafka's own perf tools -------------------------------------------------------------------


def ensure_kafka_tools(settings: Settings) -> Path | None:
    """kafka-tools-<version>.jar (ProducerPerformance, ConsumerPerformance), via Maven."""
    jar = TOOLS_DIR / f"kafka-tools-{settings.kafka_version}.jar"
    if jar.exists():
        return jar
    if shutil.which("mvn") is None:
        return None
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mvn", "-q", "dependency:copy",
         f"-Dartifact=org.apache.kafka:kafka-tools:{settings.kafka_version}",
         f"-DoutputDirectory={TOOLS_DIR}"],
        check=False, capture_output=True, timeout=300,
    )
    return jar if jar.exists() else None


def kafka_tool(settings: Settings, tool_class: str, args: Sequence[str],
               timeout: float = 600) -> str:
    jar = ensure_kafka_tools(settings)
    if jar is None:
        raise RuntimeError("kafka-tools jar unavailable (needs mvn and Maven Central)")
    classpath = f"{settings.kafka_libs_dir}/*:{jar}"
    done = subprocess.run(
        ["java", "-Xmx512m", "-cp", classpath, tool_class, *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{tool_class} failed: {done.stderr[-2000:]}")
    return done.stdout
