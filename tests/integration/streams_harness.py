"""A running router, for scenario tests: its own topics, database and worker processes.

Every harness gets a fresh topic prefix, consumer-group id and Postgres database, so
scenarios never see each other's offices or requests. Workers are real `router worker`
processes (so a test can SIGKILL one); time is driven by publishing clock ticks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from contracts.registry import new_envelope, parse_event, to_bytes
from contracts.topics import office_topic, topic_name
from demo.resources import create_database
from infra.settings import Settings
from infra.topics import create_topics
from streams.ticker import tick_message

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def fresh_database(stack: Settings, name: str) -> str:
    """Create database `name` owned by the router's role, migrate it, return its DSN."""
    return await create_database(stack, name)


@dataclasses.dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    web_port: int
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Harness:
    def __init__(self, stack: Settings, tmp: Path) -> None:
        self.stack = stack
        self.bootstrap = stack.kafka_bootstrap
        self.run = uuid.uuid4().hex[:8]
        self.prefix = f"t{self.run}"
        self.tmp = tmp
        self.dsn = ""
        self.workers: list[Worker] = []
        self.producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        await create_topics(dataclasses.replace(self.stack, topic_prefix=self.prefix))
        self.dsn = await fresh_database(self.stack, f"t_{self.run}")
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all",
                                         enable_idempotence=True)
        await self.producer.start()

    async def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.producer is not None:
            await self.producer.stop()
        await self.drop_topics()

    async def drop_topics(self) -> None:
        """Delete this run's topics: a broker holding thousands of stale test topics makes
        every client's metadata refresh slow for the tests that follow."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            names = [t for t in await admin.list_topics()
                     if t.startswith(f"{self.prefix}.") or t.startswith(f"{self.prefix}-")]
            if names:
                await admin.delete_topics(names)
        finally:
            await admin.close()

    def topic(self, name: str) -> str:
        return topic_name(name, self.prefix)

    def office_topic(self, office_id: str) -> str:
        return office_topic(office_id, self.prefix)

    # -- workers -------------------------------------------------------------------

    def start_worker(self, name: str = "w1", **env: str) -> Worker:
        port = free_port()
        log = self.tmp / f"{name}.log"
        environment = {
            **os.environ,
            "GOVROUTE_KAFKA_BOOTSTRAP": self.bootstrap,
            "GOVROUTE_PG_DSN": self.dsn,
            "GOVROUTE_TOPIC_PREFIX": self.prefix,
            "GOVROUTE_APP_ID": f"{self.prefix}-router",
            "GOVROUTE_CLOCK": "manual",
            "GOVROUTE_WEB_PORT": str(port),
            "GOVROUTE_DATA_DIR": str(self.tmp / f"data-{name}"),
            "GOVROUTE_LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker", "--loglevel", "warn"],
            cwd=REPO, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = Worker(name, process, port, log)
        self.workers.append(worker)
        return worker

    async def health(self, worker: Worker) -> dict[str, Any]:
        reader, writer = await asyncio.open_connection("127.0.0.1", worker.web_port)
        writer.write(b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n")
        data = await reader.read()
        writer.close()
        return dict(orjson.loads(data.split(b"\r\n\r\n", 1)[1]))

    async def metrics(self, worker: Worker) -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", worker.web_port)
        writer.write(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        data = await reader.read()
        writer.close()
        return data.split(b"\r\n\r\n", 1)[1].decode()

    async def wait_ready(self, worker: Worker, timeout: float = 60) -> None:
        """Until the worker answers /health (its services are up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise AssertionError(f"worker {worker.name} exited:\n{worker.log_tail()}")
            try:
                await self.health(worker)
                return
            except (OSError, ValueError, IndexError):
                await asyncio.sleep(0.3)
        raise AssertionError(f"worker {worker.name} not ready:\n{worker.log_tail()}")

    # -- producing -----------------------------------------------------------------

    async def publish(self, topic: str, payload: Any, *, at: datetime, key: str | None = None,
                      event_id: str | None = None, producer: str = "test") -> str:
        envelope = new_envelope(payload, producer=producer, occurred_at=at, event_id=event_id)
        key = key or getattr(payload, "request_id", None) or getattr(payload, "office_id", None) \
            or getattr(payload, "service_code", None) or envelope.event_id
        await self.publish_raw(topic, to_bytes(envelope), key=key)
        return str(envelope.event_id)

    async def publish_raw(self, topic: str, raw: bytes, *, key: str | None = None) -> None:
        assert self.producer is not None
        await self.producer.send_and_wait(self.topic(topic), key=key.encode() if key else None,
                                          value=raw)

    async def tick(self, now: datetime) -> None:
        await self.publish_raw("router-log", tick_message(now), key="clock")

    # -- reading -------------------------------------------------------------------

    async def read(self, topic: str, *, idle: float = 1.5, timeout: float = 30,
                   until: Callable[[list[Any]], bool] | None = None) -> list[Any]:
        """Every committed event on a (full) topic name, parsed; waits for `until` if given."""
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=self.bootstrap, isolation_level="read_committed",
            auto_offset_reset="earliest", enable_auto_commit=False, group_id=None,
        )
        await consumer.start()
        events: list[Any] = []
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        try:
            while time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=300)
                got = [parse_event(m.value) for msgs in batch.values() for m in msgs]
                events += got
                now = time.monotonic()
                if got:
                    quiet_since = now
                if until is not None and until(events):
                    return events
                if until is None and now - quiet_since >= idle:
                    return events
        finally:
            await consumer.stop()
        if until is not None:
            raise AssertionError(f"timed out waiting on {topic}; got {len(events)} events")
        return events

    async def states(self, until: Callable[[list[Any]], bool] | None = None,
                     timeout: float = 40) -> list[Any]:
        return await self.read(self.topic("request-state"), until=until, timeout=timeout)

    async def sql(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    async def wait_sql(self, query: str, predicate: Callable[[list[asyncpg.Record]], bool],
                       *args: Any, timeout: float = 40) -> list[asyncpg.Record]:
        deadline = time.monotonic() + timeout
        rows: list[asyncpg.Record] = []
        while time.monotonic() < deadline:
            rows = await self.sql(query, *args)
            if predicate(rows):
                return rows
            await asyncio.sleep(0.5)
        raise AssertionError(f"timed out waiting on SQL; last rows: {rows[:5]}")
