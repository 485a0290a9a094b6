"""Support for the fault-tolerance scenarios: private stacks, steady traffic, invariants.

Fault scenarios run real `router worker` processes against real Kafka and Postgres. The
ones that stop a broker or a database start a PRIVATE one (own stack dir, free ports):
the shared local stack is never stopped. `Traffic` drives a steady stream of requests
and answers every assignment it sees as an office would (accept and fulfil most, reject
some, leave a few open); `check_invariants` then compares the topics (read_committed)
with each other and with Postgres.

Workers get a 10 s Kafka session timeout (Faust's own settings, read from the
environment: BROKER_SESSION_TIMEOUT / BROKER_HEARTBEAT_INTERVAL) instead of Faust's 60 s,
so a SIGKILLed member is expelled from the group within the time budget of a test.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from scenario_builders import DAY, licence, report, request, service
from streams_harness import Harness, Worker, free_port

from contracts.registry import new_envelope, to_bytes
from infra import kafka, postgres
from infra.settings import Settings, load_settings
from router.states import HELD

FAST_FAILOVER = {"BROKER_SESSION_TIMEOUT": "10", "BROKER_HEARTBEAT_INTERVAL": "1",
                 "BROKER_REBALANCE_TIMEOUT": "20"}
INPUT_TOPICS = ("requests", "fulfilment", "catalog", "licences")


def say(*parts: Any) -> None:
    print("[faults]", *parts, flush=True)


# -- private stacks ------------------------------------------------------------------------


@contextlib.contextmanager
def private_root() -> Iterator[Path]:
    """A stack dir the `postgres` OS user can reach (pytest's tmp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="govroute-fault-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def private_settings(shared: Settings, root: Path) -> Settings:
    return load_settings({
        "GOVROUTE_STACK_DIR": str(root / "stack"),
        "GOVROUTE_CACHE_DIR": str(shared.cache_dir),
        "GOVROUTE_KAFKA_PORT": str(free_port()),
        "GOVROUTE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "GOVROUTE_PG_PORT": str(free_port()),
    })


@contextlib.contextmanager
def private_kafka(shared: Settings) -> Iterator[tuple[Settings, Settings]]:
    """(settings of the private broker, harness stack = private Kafka + shared Postgres)."""
    with private_root() as root:
        own = private_settings(shared, root)
        try:
            kafka.start_broker(own)
            yield own, dataclasses.replace(
                shared, kafka_port=own.kafka_port,
                kafka_controller_port=own.kafka_controller_port,
                kafka_bootstrap=own.kafka_bootstrap, kafka_external=True)
        finally:
            kafka.stop_broker(own)


@contextlib.contextmanager
def private_postgres(shared: Settings) -> Iterator[tuple[Settings, Settings]]:
    """(settings of the private Postgres, harness stack = shared Kafka + private Postgres)."""
    with private_root() as root:
        own = private_settings(shared, root)
        try:
            postgres.start_postgres(own, echo=lambda _: None)
            yield own, dataclasses.replace(
                shared, stack_dir=own.stack_dir, pg_port=own.pg_port, pg_dsn=own.pg_dsn,
                pg_external=False)
        finally:
            postgres.stop_postgres(own)


# -- a harness with restartable, quickly-failing-over workers ----------------------------


class FaultHarness(Harness):
    def __init__(self, stack: Settings, tmp: Path) -> None:
        super().__init__(stack, tmp)
        self.generation: Counter[str] = Counter()

    def start_worker(self, name: str = "w1", **env: str) -> Worker:
        """Worker `name` (its data dir is data-<name> whatever its incarnation), supervised
        as a deployment runs it: a worker that exits for a restart is started again."""
        self.generation[name] += 1
        incarnation = f"{name}-{self.generation[name]}"
        environment = {**FAST_FAILOVER, "GOVROUTE_DATA_DIR": str(self.data_dir(name)),
                       "GOVROUTE_SUPERVISE": "1", **env}
        worker = super().start_worker(incarnation, **environment)
        worker.name = name
        return worker

    def data_dir(self, name: str) -> Path:
        return self.tmp / f"data-{name}"

    def live(self) -> list[Worker]:
        return [w for w in self.workers if w.process.poll() is None]

    async def owner(self) -> Worker | None:
        """The live worker that owns router-log:0 right now, if any."""
        for worker in self.live():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if (await self.health(worker))["owns_router_log"]:
                    return worker
        return None

    async def wait_owner(self, timeout: float = 60) -> Worker:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            owner = await self.owner()
            if owner is not None:
                return owner
            await asyncio.sleep(0.5)
        raise AssertionError("no worker owns the router log")


# -- traffic -------------------------------------------------------------------------------


def plan(n: int, attempt: int) -> tuple[str, ...]:
    """What the office does with assignment `attempt` of request number `n`."""
    if n % 8 == 3 and attempt == 1:
        return ("rejected",)
    if n % 10 == 7:
        return ("accepted",)  # stays held to the end
    if n % 15 == 11:
        return ()  # never answered: stays assigned
    return ("accepted", "fulfilled")


@dataclasses.dataclass
class Numbers:
    published: int = 0
    reports: int = 0
    publish_retries: int = 0
    decisions_seen: int = 0


class Traffic:
    """Steady requests + office reports for the assignments that appear."""

    def __init__(self, h: Harness, offices: dict[str, int], *, tag: str = "F",
                 rate: float = 4.0, service_code: str = "CIV-101") -> None:
        self.h = h
        self.offices = offices
        self.tag = tag
        self.rate = rate
        self.service_code = service_code
        self.submitted: dict[str, float] = {}  # request id -> monotonic time published
        self.decided_at: dict[tuple[str, int], float] = {}  # (request, attempt) -> seen at
        self.answered: set[str] = set()
        self.assignments: dict[str, Any] = {}  # assignment id -> payload (latest)
        self.numbers = Numbers()
        self.answer = True
        self.last_activity = time.monotonic()
        self._clock = 0
        self._task: asyncio.Task[None] | None = None
        self._n = 0
        self._producer: AIOKafkaProducer | None = None
        self.error: BaseException | None = None

    # publishing, resilient to an absent broker: the same bytes (same event id) again
    def _at(self) -> datetime:
        self._clock += 1
        return DAY + timedelta(minutes=1, seconds=self._clock)

    async def _send(self, topic: str, raw: bytes, key: str, *, within: float = 180) -> None:
        deadline = time.monotonic() + within
        failures = 0
        while True:
            try:
                if self._producer is None:
                    producer = AIOKafkaProducer(bootstrap_servers=self.h.bootstrap, acks="all",
                                                enable_idempotence=True,
                                                request_timeout_ms=10000)
                    await producer.start()
                    self._producer = producer
                await asyncio.wait_for(self._producer.send_and_wait(
                    self.h.topic(topic), key=key.encode(), value=raw), 15)
                self.numbers.published += 1
                self.last_activity = time.monotonic()
                return
            except Exception as error:  # broker away: retry the very same message
                failures += 1
                self.numbers.publish_retries += 1
                if time.monotonic() > deadline:
                    raise AssertionError(f"could not publish to {topic}: {error!r}") from error
                if failures % 3 == 0 and self._producer is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self._producer.stop(), 10)
                    self._producer = None
                await asyncio.sleep(0.5)

    async def publish(self, topic: str, payload: Any, key: str) -> None:
        envelope = new_envelope(payload, producer="fault-test", occurred_at=self._at())
        await self._send(topic, to_bytes(envelope), key)

    async def network(self, svc: Any = None) -> None:
        await self.publish("catalog", svc or service(self.service_code, accept_s=3600), "svc")
        for office, capacity in self.offices.items():
            await self.publish("licences", licence(office, capacity=capacity), office)

    async def wait_offices(self, timeout: float = 60) -> None:
        wanted = {self.h.office_topic(o) for o in self.offices}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.h.bootstrap)
            try:
                await admin.start()
                if wanted <= set(await admin.list_topics()):
                    return
            except Exception:
                pass
            finally:
                with contextlib.suppress(Exception):
                    await admin.close()
            await asyncio.sleep(0.5)
        raise AssertionError(f"office topics never appeared: {sorted(wanted)}")

    # the office side
    def start(self) -> None:
        self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        if self._task is not None and self._task.done() and not self._task.cancelled():
            self.error = self._task.exception()
        assert self.error is None, f"the office side stopped: {self.error!r}"
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def _follow(self) -> None:
        topics = [self.h.office_topic(o) for o in self.offices] + [self.h.topic("decisions")]
        consumer = AIOKafkaConsumer(*topics, bootstrap_servers=self.h.bootstrap,
                                    isolation_level="read_committed", group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False)
        await consumer.start()
        from contracts.registry import parse_event
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=300)
                for messages in batch.values():
                    for message in messages:
                        event = parse_event(message.value)
                        self.last_activity = time.monotonic()
                        await self._on_event(event)
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            self.error = error
            say("office side failed:", repr(error))
            raise
        finally:
            await consumer.stop()

    async def _on_event(self, event: Any) -> None:
        p = event.payload
        if event.event_type == "routing.decided":
            self.numbers.decisions_seen += 1
            self.decided_at.setdefault((p.request_id, p.attempt), time.monotonic())
            return
        if event.event_type != "assignment.made":
            return
        self.assignments[p.assignment_id] = p
        if p.assignment_id in self.answered or not self.answer:
            return
        self.answered.add(p.assignment_id)
        await self.answer_assignment(p, plan(self.number(p.request_id), p.attempt))

    async def answer_assignment(self, assignment: Any, kinds: tuple[str, ...]) -> None:
        for kind in kinds:
            await self.publish("fulfilment", report(kind, assignment), assignment.request_id)
            self.numbers.reports += 1

    def number(self, request_id: str) -> int:
        return int(request_id.rsplit("-", 1)[1])

    # the intake side
    async def submit(self, count: int = 1) -> list[str]:
        ids = []
        for _ in range(count):
            self._n += 1
            rid = f"REQ-{self.tag}-{self._n:05d}"
            self.submitted[rid] = time.monotonic()
            await self.publish("requests", request(rid, self.service_code), rid)
            ids.append(rid)
        return ids

    async def drive(self, seconds: float,
                    events: dict[float, Callable[[], Any]] | None = None) -> None:
        """Submit at `rate` for `seconds`; run `events[t]` (async callables) at offset t."""
        pending = sorted((events or {}).items())
        started = time.monotonic()
        tasks: list[asyncio.Task[Any]] = []
        while time.monotonic() - started < seconds:
            elapsed = time.monotonic() - started
            while pending and pending[0][0] <= elapsed:
                tasks.append(asyncio.create_task(pending.pop(0)[1]()))
            await self.submit()
            await asyncio.sleep(max(0.0, 1 / self.rate - (time.monotonic() - started - elapsed)))
        for task in tasks:
            await task

    def first_decision_after(self, since: float) -> float | None:
        """Seconds from `since` until a request submitted after it was decided (read
        committed): routing resumed. Decisions of earlier requests do not count, since the
        relay can still be delivering what the router decided before `since`."""
        times = [seen for (rid, _), seen in self.decided_at.items()
                 if seen >= since and self.submitted.get(rid, -1.0) >= since]
        return round(min(times) - since, 2) if times else None

    def decisions_between(self, start: float, end: float) -> int:
        return sum(1 for seen in self.decided_at.values() if start <= seen <= end)


# -- quiescence ------------------------------------------------------------------------------


async def group_lag(h: Harness) -> dict[str, int]:
    """Per consumed topic: end offsets minus the committed offsets of the router's groups
    (ingest of the outside topics, the Faust app's router log and outbox, the relay)."""
    groups = {f"{h.prefix}-router-ingest": INPUT_TOPICS,
              f"{h.prefix}-router": ("router-log", "router-outbox"),
              f"{h.prefix}-router-relay": ("router-outbox",)}
    admin = AIOKafkaAdminClient(bootstrap_servers=h.bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=h.bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        lag: dict[str, int] = defaultdict(int)
        for group, names in groups.items():
            committed = await admin.list_consumer_group_offsets(group)
            for name in names:
                topic = h.topic(name)
                tps = [TopicPartition(topic, p)
                       for p in consumer.partitions_for_topic(topic) or set()]
                if not tps:
                    continue  # a topic this version of the router does not have
                ends = await consumer.end_offsets(tps)
                for tp in tps:
                    done = committed.get(tp)
                    lag[f"{group}:{name}"] += ends[tp] - (done.offset if done else 0)
        return dict(lag)
    finally:
        await consumer.stop()
        await admin.close()


async def wait_quiescent(h: Harness, traffic: Traffic | None = None, *,
                         timeout: float = 120, quiet: float = 3.0) -> float:
    """Until the router group has consumed every input and the office side is idle."""
    started = time.monotonic()
    calm_since: float | None = None
    last: Any = None
    while time.monotonic() - started < timeout:
        try:
            lag = await group_lag(h)
        except Exception as error:  # broker restarting
            lag = {"error": str(error)}  # type: ignore[dict-item]
        idle = traffic is None or time.monotonic() - traffic.last_activity >= quiet
        # the outbox is written in transactions: its end offset stays one past the last
        # record (the commit marker), so a consumed outbox shows a lag of 1
        done = "error" not in lag and all(
            v <= (1 if k.endswith(":router-outbox") else 0) for k, v in lag.items())
        if done and idle:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return round(time.monotonic() - started, 1)
        else:
            calm_since = None
        last = lag
        await asyncio.sleep(0.5)
    raise AssertionError(f"not quiescent after {timeout}s; lag {last}")


# -- invariants ------------------------------------------------------------------------------


@dataclasses.dataclass
class Check:
    requests: int = 0
    state_events: int = 0
    state_duplicate_deliveries: int = 0
    decisions: int = 0
    decision_duplicate_deliveries: int = 0
    unroutable: int = 0
    assignments: int = 0
    assignment_duplicate_deliveries: int = 0
    double_assignments: int = 0
    deadletters: int = 0
    deadletter_reasons: dict[str, int] = dataclasses.field(default_factory=dict)
    lost_on_topic: int = 0
    lost_in_postgres: int = 0
    max_load: dict[str, int] = dataclasses.field(default_factory=dict)
    final_states: dict[str, int] = dataclasses.field(default_factory=dict)
    pg_catch_up_seconds: float = 0.0


async def check_invariants(h: Harness, submitted: set[str] | dict[str, Any],
                           capacities: dict[str, int], *, pg_timeout: float = 90,
                           letters_allowed: tuple[str, ...] = ("DUPLICATE_EVENT",),
                           capacity_slack: int = 0) -> Check:
    """The invariants every fault scenario must keep; returns the numbers it counted.

    `capacity_slack` is for the one scenario with a known overshoot (a worker frozen past
    its session timeout: see README, known limitations); the overshoot is still counted."""
    c = Check(requests=len(submitted))
    problems: list[str] = []
    states = await h.read(h.topic("request-state"), idle=2.0, timeout=90)
    decisions = await h.read(h.topic("decisions"), idle=1.0, timeout=60)
    letters = await h.read(h.topic("deadletter"), idle=1.0, timeout=60)
    c.deadletters = len({str(e.event_id) for e in letters})
    c.deadletter_reasons = dict(Counter(str(e.payload.reason_code) for e in
                                        {str(e.event_id): e for e in letters}.values()))
    unexpected = {r: n for r, n in c.deadletter_reasons.items() if r not in letters_allowed}
    if unexpected:
        sample = [(e.payload.source.key, e.payload.message) for e in letters
                  if str(e.payload.reason_code) in unexpected][:3]
        problems.append(f"valid traffic was dead-lettered: {unexpected}, e.g. {sample}")

    # request-state: dedupe by event id, then seq 1..n per request
    seen: dict[str, Any] = {}
    order: list[Any] = []
    for e in states:
        key = str(e.event_id)
        if key in seen:
            c.state_duplicate_deliveries += 1
            if seen[key].payload != e.payload:
                problems.append(f"state event {key} delivered twice with different content")
            continue
        seen[key] = e
        order.append(e)
    c.state_events = len(order)
    per_request: dict[str, list[Any]] = defaultdict(list)
    for e in order:
        per_request[e.payload.request_id].append(e.payload)
    for rid, changes in per_request.items():
        seqs = sorted(p.seq for p in changes)
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"{rid}: seq values {seqs} are not 1..{len(seqs)}")
    missing = sorted(set(submitted) - set(per_request))
    c.lost_on_topic = len(missing)
    if missing:
        problems.append(f"{len(missing)} submitted requests have no state: {missing[:5]}")
    last = {rid: max(ch, key=lambda p: p.seq) for rid, ch in per_request.items()}
    c.final_states = dict(Counter(str(p.to_state) for rid, p in last.items()
                                  if rid in submitted))

    # decisions
    ids = Counter(str(e.event_id) for e in decisions)
    c.decisions = len(ids)
    c.decision_duplicate_deliveries = sum(n - 1 for n in ids.values())
    c.unroutable = len({str(e.event_id) for e in decisions if e.payload.outcome == "unroutable"})

    # assignments across every office topic
    by_assignment: dict[str, set[str]] = defaultdict(set)
    by_attempt: dict[tuple[str, int], set[str]] = defaultdict(set)
    total = 0
    for office in capacities:
        for e in await h.read(h.office_topic(office), idle=1.0, timeout=60):
            if e.event_type != "assignment.made":
                continue
            total += 1
            by_assignment[e.payload.assignment_id].add(str(e.event_id))
            by_attempt[(e.payload.request_id, e.payload.attempt)].add(e.payload.assignment_id)
    distinct_events = sum(len(v) for v in by_assignment.values())
    c.assignments = len(by_assignment)
    c.assignment_duplicate_deliveries = total - distinct_events
    c.double_assignments = (sum(len(v) - 1 for v in by_assignment.values())
                            + sum(len(v) - 1 for v in by_attempt.values()))
    if c.double_assignments:
        bad = [a for a, v in by_assignment.items() if len(v) > 1]
        bad += [f"{k}" for k, v in by_attempt.items() if len(v) > 1]
        problems.append(f"double assignments: {bad[:5]}")

    # capacity: replay the state topic (router order) counting held requests per office
    holder: dict[str, str | None] = {}
    load: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    for e in order:
        p = e.payload
        before = holder.get(p.request_id)
        after = p.office_id if p.to_state in HELD else None
        if before != after:
            if before is not None:
                load[before] -= 1
            if after is not None:
                load[after] += 1
                peak[after] = max(peak[after], load[after])
            holder[p.request_id] = after
    c.max_load = {o: peak[o] for o in capacities}
    over = {o: n for o, n in peak.items() if n > capacities.get(o, 0) + capacity_slack}
    if over:
        problems.append(f"capacity exceeded: {over} (capacities {capacities})")

    # Postgres: the record catches up with the topics and equals them
    topic_history = {(str(e.event_id), e.payload.request_id, e.payload.seq,
                      str(e.payload.to_state)) for e in order}
    want_rows = {rid: (str(p.to_state), p.seq) for rid, p in last.items()}
    started = time.monotonic()
    history: set[tuple[str, str, int, str]] = set()
    rows: dict[str, tuple[str, int]] = {}
    history_count = 0
    while True:
        try:
            h_rows = await h.sql("SELECT event_id, request_id, seq, to_state "
                                 "FROM govroute.request_history")
            history = {(str(r["event_id"]), r["request_id"], r["seq"], r["to_state"])
                       for r in h_rows}
            history_count = len(h_rows)
            rows = {r["request_id"]: (r["state"], r["seq"]) for r in await h.sql(
                "SELECT request_id, state, seq FROM govroute.requests")}
        except Exception as error:
            say("postgres not answering yet:", repr(error)[:120])
        if history == topic_history and rows == want_rows:
            break
        if time.monotonic() - started > pg_timeout:
            break
        await asyncio.sleep(1.0)
    c.pg_catch_up_seconds = round(time.monotonic() - started, 1)
    if history != topic_history:
        problems.append(
            f"request_history differs from the state topic: {len(history - topic_history)} "
            f"extra, {len(topic_history - history)} missing, e.g. "
            f"{sorted(topic_history - history)[:3]} / {sorted(history - topic_history)[:3]}")
    if history_count != len(topic_history):
        problems.append(f"request_history has {history_count} rows for "
                        f"{len(topic_history)} distinct state events")
    absent = sorted(set(submitted) - set(rows))
    c.lost_in_postgres = len(absent)
    if absent:
        problems.append(f"{len(absent)} submitted requests have no row: {absent[:5]}")
    wrong = {rid: (rows.get(rid), want) for rid, want in want_rows.items()
             if rows.get(rid) != want}
    if wrong:
        problems.append(f"{len(wrong)} requests rows differ from the last state change: "
                        f"{list(wrong.items())[:5]}")
    say("invariants:", dataclasses.asdict(c))
    assert not problems, "invariants broken:\n- " + "\n- ".join(problems)
    return c


@contextlib.asynccontextmanager
async def fault_harness(stack: Settings, tmp: Path) -> AsyncIterator[FaultHarness]:
    h = FaultHarness(stack, tmp)
    await h.start()
    try:
        yield h
    finally:
        await h.close()
        for worker in h.workers:
            if worker.process.returncode not in (0, -15, -9, None):
                say(f"--- worker {worker.name} log tail ---\n{worker.log_tail()}")


def event_id_for(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("fault", *parts))))
