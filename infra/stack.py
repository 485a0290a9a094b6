"""Orchestration of the local stack: `up`, `down`, `status` (and `ensure_up` for tests).

`up` = verified Kafka jars -> broker (unless running) -> Postgres (unless running)
-> migrations -> fixed topics. Every step is idempotent, so a second `up` only checks.
Services named by ``GOVROUTE_KAFKA_BOOTSTRAP`` / ``GOVROUTE_PG_DSN`` are external:
never started or stopped here, only waited for, migrated and given topics.
With ``secure=True`` the same steps run against the stack's *secure* broker (SASL/SCRAM,
ACLs; see `infra.kafka` and `infra.secure`), which also gets its principals and ACLs;
Postgres is the same, shared by both profiles.
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
from infra.kafka import BrokerProfile
from infra.migrate import migrate
from infra.ports import port_answers, require_free_port
from infra.secure import principals_status, provision
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
    principals: list[str] = field(default_factory=list)
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


def preflight(settings: Settings, secure: bool = False) -> None:
    """Fail fast, before starting anything, when a foreign process holds a port we need."""
    prof = kafka.profile(settings, secure=secure)
    if not prof.external and kafka.broker_pid(prof) is None:
        kafka.check_ports(prof)
    if not settings.pg_external and postgres.postgres_pid(settings) is None:
        require_free_port(settings.pg_port, "Postgres", "GOVROUTE_PG_PORT")


def _ensure_kafka(prof: BrokerProfile, report: UpReport, echo: Echo) -> None:
    settings, what = prof.settings, "Kafka (secure)" if prof.secure else "Kafka"
    if prof.external:
        echo(f"{what}: external at {prof.bootstrap}")
        run_sync(kafka.wait_broker_ready(prof, within_s=30))
        return
    ensure_jars(settings, echo)
    pid = kafka.broker_pid(prof)
    if pid is not None:
        echo(f"{what}: already running (pid {pid}) on {prof.bootstrap}")
        return
    echo(f"{what}: starting {settings.kafka_version} on {prof.bootstrap} ...")
    pid = kafka.start_broker(prof)
    report.started.append("kafka-secure" if prof.secure else "kafka")
    echo(f"{what}: ready (pid {pid})")


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


def up(settings: Settings | None = None, echo: Echo = _quiet, *, secure: bool = False) -> UpReport:
    """Bring the whole stack up; a no-op (apart from checks) when it already is.

    `secure`: the secure broker instead of the plain one, with its principals and ACLs.
    """
    settings = settings or load_settings()
    prof = kafka.profile(settings, secure=secure)
    t0 = time.monotonic()
    report = UpReport()
    with stack_lock(settings):
        preflight(settings, secure)
        _ensure_kafka(prof, report, echo)
        _ensure_postgres(settings, report, echo)
        report.migrations = run_sync(migrate(settings.pg_dsn))
        echo(
            f"migrations: applied {', '.join(report.migrations)}"
            if report.migrations
            else "migrations: up to date"
        )
        if secure:
            report.principals = provision(prof, echo=echo)
        report.topics = run_sync(
            create_topics(settings, bootstrap=prof.bootstrap, security=prof.admin_kwargs())
        )
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


def down(
    settings: Settings | None = None,
    purge: bool = False,
    echo: Echo = _quiet,
    *,
    secure: bool = False,
) -> None:
    """Stop the services this stack started; `purge` also deletes their data.

    `secure`: stop the secure broker (purge: its data and credentials) and Postgres,
    unless this stack's plain broker still runs and uses it.
    """
    settings = settings or load_settings()
    if secure:
        _down_secure(settings, purge, echo)
        return
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


def _down_secure(settings: Settings, purge: bool, echo: Echo) -> None:
    prof = kafka.secure_profile(settings)
    with stack_lock(settings):
        stopped = kafka.stop_broker(prof)
        echo("Kafka (secure): stopped" if stopped else "Kafka (secure): not running")
        if not settings.pg_external:
            if kafka.broker_pid(settings) is not None:
                echo("Postgres: left running (the plain broker of this stack uses it)")
            else:
                stopped = postgres.stop_postgres(settings)
                echo("Postgres: stopped" if stopped else "Postgres: not running")
        if purge and prof.dir.exists():
            shutil.rmtree(prof.dir)
            echo(f"purged {prof.dir}")


def _kafka_status(prof: BrokerProfile) -> dict[str, Any]:
    settings = prof.settings
    host, _, port = prof.bootstrap.split(",")[0].rpartition(":")
    info: dict[str, Any] = {
        "bootstrap_servers": prof.bootstrap,
        "external": prof.external,
        "reachable": port_answers(host, int(port)),
    }
    if not prof.external:
        info |= {
            "running": kafka.broker_pid(prof) is not None,
            "pid": kafka.broker_pid(prof),
            "version": settings.kafka_version,
            "controller": f"127.0.0.1:{prof.controller_port}",
            "data_dir": str(kafka.data_dir(prof)),
            "log": str(kafka.server_log(prof)),
            "stdout_log": str(kafka.stdout_log(prof)),
            "jars": str(settings.kafka_libs_dir),
        }
    if prof.secure:
        info |= {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512"}
        info |= principals_status(prof)
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


def status(settings: Settings | None = None, *, secure: bool = False) -> dict[str, Any]:
    """What runs where: addresses, pids, versions, log paths (JSON-serialisable)."""
    settings = settings or load_settings()
    return {
        "stack_dir": str(settings.stack_dir),
        "topic_prefix": settings.topic_prefix,
        "profile": "secure" if secure else "plain",
        "kafka": _kafka_status(kafka.profile(settings, secure=secure)),
        "postgres": _postgres_status(settings),
    }


def is_running(settings: Settings | None = None, *, secure: bool = False) -> bool:
    """True when every service of the stack answers (local ones by pid and port)."""
    info = status(settings, secure=secure)
    kafka_ok = info["kafka"]["reachable"] and info["kafka"].get("running", True)
    pg = info["postgres"]
    return bool(kafka_ok and (pg["external"] or (pg["running"] and pg["reachable"])))


__all__ = ["InfraError", "UpReport", "down", "ensure_up", "is_running", "status", "up"]
