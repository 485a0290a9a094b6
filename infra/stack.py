"""Orchestration of the local stack: `up`, `down`, `status` (and `ensure_up` for tests).

`up` = verified Kafka jars -> broker (unless running) -> Postgres (unless running)
-> migrations -> fixed topics. Every step is idempotent, so a second `up` only checks.
Services named by ``GOVROUTE_KAFKA_BOOTSTRAP`` / ``GOVROUTE_PG_DSN`` are external:
never started or stopped here, only waited for, migrated and given topics.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from infra import kafka, postgres
from infra.aio import run_sync
from infra.errors import InfraError
from infra.jars import ensure_jars
from infra.migrate import migrate
from infra.ports import port_answers, require_free_port
from infra.settings import Settings, load_settings
from infra.topics import TopicReport, create_topics

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class UpReport:
    started: list[str] = field(default_factory=list)
    migrations: list[str] = field(default_factory=list)
    topics: TopicReport = field(default_factory=TopicReport)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.started or self.migrations or self.topics.created)


@contextlib.contextmanager
def stack_lock(settings: Settings) -> Iterator[None]:
    """One `up`/`down` at a time per stack dir (tests and a developer may race)."""
    settings.stack_dir.mkdir(parents=True, exist_ok=True)
    with (settings.stack_dir / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def preflight(settings: Settings) -> None:
    """Fail fast, before starting anything, when a foreign process holds a port we need."""
    if not settings.kafka_external and kafka.broker_pid(settings) is None:
        kafka.check_ports(settings)
    if not settings.pg_external and postgres.postgres_pid(settings) is None:
        require_free_port(settings.pg_port, "Postgres", "GOVROUTE_PG_PORT")


def _ensure_kafka(settings: Settings, report: UpReport, echo: Echo) -> None:
    if settings.kafka_external:
        echo(f"Kafka: external at {settings.kafka_bootstrap}")
        run_sync(kafka.wait_broker_ready(settings, within_s=30))
        return
    ensure_jars(settings, echo)
    pid = kafka.broker_pid(settings)
    if pid is not None:
        echo(f"Kafka: already running (pid {pid}) on {settings.kafka_bootstrap}")
        return
    echo(f"Kafka: starting {settings.kafka_version} on {settings.kafka_bootstrap} ...")
    pid = kafka.start_broker(settings)
    report.started.append("kafka")
    echo(f"Kafka: ready (pid {pid})")


def _ensure_postgres(settings: Settings, report: UpReport, echo: Echo) -> None:
    if settings.pg_external:
        echo("Postgres: external (GOVROUTE_PG_DSN)")
        return
    pid = postgres.postgres_pid(settings)
    if pid is not None:
        echo(f"Postgres: already running (pid {pid}) on port {settings.pg_port}")
        return
    echo(f"Postgres: starting on 127.0.0.1:{settings.pg_port} ...")
    pid = postgres.start_postgres(settings, echo)
    report.started.append("postgres")
    echo(f"Postgres: ready (pid {pid})")


def up(settings: Settings | None = None, echo: Echo = _quiet) -> UpReport:
    """Bring the whole stack up; a no-op (apart from checks) when it already is."""
    settings = settings or load_settings()
    t0 = time.monotonic()
    report = UpReport()
    with stack_lock(settings):
        preflight(settings)
        _ensure_kafka(settings, report, echo)
        _ensure_postgres(settings, report, echo)
        report.migrations = run_sync(migrate(settings.pg_dsn))
        echo(
            f"migrations: applied {', '.join(report.migrations)}"
            if report.migrations
            else "migrations: up to date"
        )
        report.topics = run_sync(create_topics(settings))
        _echo_topics(report.topics, echo)
    report.seconds = time.monotonic() - t0
    return report


def _echo_topics(topics: TopicReport, echo: Echo) -> None:
    if topics.created:
        echo(f"topics: created {len(topics.created)}: {', '.join(topics.created)}")
    else:
        echo(f"topics: all {len(topics.existing)} exist")
    for problem in topics.mismatched:
        echo(f"topics: WARNING {problem}")


def ensure_up(settings: Settings | None = None) -> Settings:
    """`up` without output, for test fixtures; returns the settings it used."""
    settings = settings or load_settings()
    up(settings)
    return settings


def down(settings: Settings | None = None, purge: bool = False, echo: Echo = _quiet) -> None:
    """Stop the services this stack started; `purge` also deletes their data."""
    settings = settings or load_settings()
    with stack_lock(settings):
        if not settings.kafka_external:
            stopped = kafka.stop_broker(settings)
            echo("Kafka: stopped" if stopped else "Kafka: not running")
        if not settings.pg_external:
            stopped = postgres.stop_postgres(settings)
            echo("Postgres: stopped" if stopped else "Postgres: not running")
        if purge:
            for path in (settings.kafka_dir, settings.pg_dir):
                if path.exists():
                    shutil.rmtree(path)
            echo(f"purged {settings.kafka_dir} and {settings.pg_dir}")


def _kafka_status(settings: Settings) -> dict[str, Any]:
    host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
    info: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "external": settings.kafka_external,
        "reachable": port_answers(host, int(port)),
    }
    if not settings.kafka_external:
        info |= {
            "running": kafka.broker_pid(settings) is not None,
            "pid": kafka.broker_pid(settings),
            "version": settings.kafka_version,
            "controller": f"127.0.0.1:{settings.kafka_controller_port}",
            "data_dir": str(kafka.data_dir(settings)),
            "log": str(kafka.server_log(settings)),
            "stdout_log": str(kafka.stdout_log(settings)),
            "jars": str(settings.kafka_libs_dir),
        }
    return info


def _postgres_status(settings: Settings) -> dict[str, Any]:
    info: dict[str, Any] = {"dsn": settings.pg_dsn, "external": settings.pg_external}
    if not settings.pg_external:
        info |= {
            "running": postgres.postgres_pid(settings) is not None,
            "pid": postgres.postgres_pid(settings),
            "reachable": port_answers("127.0.0.1", settings.pg_port),
            "version": postgres.server_version(),
            "ops_dsn": settings.pg_ops_dsn,
            "data_dir": str(postgres.data_dir(settings)),
            "log": str(postgres.log_file(settings)),
        }
    return info


def status(settings: Settings | None = None) -> dict[str, Any]:
    """What runs where: addresses, pids, versions, log paths (JSON-serialisable)."""
    settings = settings or load_settings()
    return {
        "stack_dir": str(settings.stack_dir),
        "topic_prefix": settings.topic_prefix,
        "kafka": _kafka_status(settings),
        "postgres": _postgres_status(settings),
    }


def is_running(settings: Settings | None = None) -> bool:
    """True when every service of the stack answers (local ones by pid and port)."""
    info = status(settings)
    kafka_ok = info["kafka"]["reachable"] and info["kafka"].get("running", True)
    pg = info["postgres"]
    return bool(kafka_ok and (pg["external"] or (pg["running"] and pg["reachable"])))


__all__ = ["InfraError", "UpReport", "down", "ensure_up", "is_running", "status", "up"]
