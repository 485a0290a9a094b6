"""The local Apache Kafka broker: one KRaft node (broker + controller) on 127.0.0.1.

Layout under ``<stack dir>/kafka``: ``server.properties`` (generated on every start),
``data/`` (the log dirs, formatted once by StorageTool), ``logs/server.log`` (log4j2)
and ``logs/kafka.out`` (stdout/stderr), ``kafka.pid``.
`stop_broker()` / `start_broker()` keep the data, so a broker can be bounced mid-test.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from infra.aio import run_sync
from infra.errors import InfraError
from infra.jars import ensure_jars
from infra.ports import port_answers, require_free_port
from infra.process import log_tail, running_pid, stop_process_group
from infra.settings import HOST, KAFKA_ASSETS_DIR, Settings, load_settings

MAIN_CLASS = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
LOG4J2_CONFIG = KAFKA_ASSETS_DIR / "log4j2.properties"
HEAP_OPTS = ("-Xms256m", "-Xmx768m")
READY_TIMEOUT_S = 60.0
NODE_ID = 1


def data_dir(settings: Settings) -> Path:
    return settings.kafka_dir / "data"


def logs_dir(settings: Settings) -> Path:
    return settings.kafka_dir / "logs"


def server_log(settings: Settings) -> Path:
    return logs_dir(settings) / "server.log"


def stdout_log(settings: Settings) -> Path:
    return logs_dir(settings) / "kafka.out"


def pid_file(settings: Settings) -> Path:
    return settings.kafka_dir / "kafka.pid"


def server_properties(settings: Settings) -> str:
    """The broker's configuration: single node, no auto-created topics, RF 1 everywhere."""
    client, controller = settings.kafka_port, settings.kafka_controller_port
    props = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{controller}",
        "listeners": f"PLAINTEXT://{HOST}:{client},CONTROLLER://{HOST}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{client}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir(settings)),
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "10",
        "group.initial.rebalance.delay.ms": "0",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "log.retention.hours": "-1",
        "log.cleaner.enable": "true",
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())


def _java(settings: Settings, libs: Path, *args: str) -> list[str]:
    return [
        "java",
        *HEAP_OPTS,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
        f"-Dkafka.logs.dir={logs_dir(settings)}",
        "-cp",
        f"{libs}/*",
        *args,
    ]


def _new_cluster_id() -> str:
    """A Kafka-style Uuid: 16 random bytes, url-safe base64, unpadded, not starting '-'."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _write_config(settings: Settings) -> Path:
    settings.kafka_dir.mkdir(parents=True, exist_ok=True)
    logs_dir(settings).mkdir(parents=True, exist_ok=True)
    path = settings.kafka_dir / "server.properties"
    path.write_text(server_properties(settings))
    return path


def format_storage(settings: Settings, libs: Path, config: Path) -> bool:
    """Format the KRaft log dir once (True when it was formatted now)."""
    if (data_dir(settings) / "meta.properties").exists():
        return False
    cmd = _java(settings, libs, STORAGE_TOOL, "format", "-t", _new_cluster_id(), "-c", str(config))
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise InfraError(f"Kafka StorageTool format failed:\n{result.stdout}{result.stderr}")
    return True


def broker_pid(settings: Settings | None = None) -> int | None:
    """Pid of the broker this stack started, if it is running."""
    return running_pid(pid_file(settings or load_settings()), MAIN_CLASS)


def _spawn(settings: Settings, libs: Path, config: Path) -> int:
    with stdout_log(settings).open("ab") as out:
        proc = subprocess.Popen(
            _java(settings, libs, MAIN_CLASS, str(config)),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=settings.kafka_dir,
        )
    pid_file(settings).write_text(f"{proc.pid}\n")
    return proc.pid


async def _metadata_answers(bootstrap: str, timeout_ms: int = 3000) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return bool(cluster.get("brokers"))
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


@contextlib.contextmanager
def _quiet_aiokafka() -> Iterator[None]:
    logger = logging.getLogger("aiokafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def wait_ready(
    settings: Settings, alive: Callable[[], bool], timeout: float = READY_TIMEOUT_S
) -> None:
    """Block until the broker answers a metadata request; clear error with the log tail."""
    deadline = time.monotonic() + timeout
    host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
    with _quiet_aiokafka():
        while time.monotonic() < deadline:
            if not alive():
                raise InfraError(f"Kafka exited while starting; log tail:\n{_tails(settings)}")
            if port_answers(host, int(port)) and run_sync(
                _metadata_answers(settings.kafka_bootstrap)
            ):
                return
            time.sleep(0.3)
    raise InfraError(
        f"Kafka did not answer metadata requests on {settings.kafka_bootstrap} within "
        f"{timeout:.0f}s; log tail:\n{_tails(settings)}"
    )


def _tails(settings: Settings) -> str:
    return (
        f"--- {server_log(settings)}\n{log_tail(server_log(settings))}\n"
        f"--- {stdout_log(settings)}\n{log_tail(stdout_log(settings), 15)}"
    )


def check_ports(settings: Settings) -> None:
    """Refuse to start when a foreign process holds one of the broker's ports."""
    require_free_port(settings.kafka_port, "Kafka client listener", "GOVROUTE_KAFKA_PORT")
    require_free_port(
        settings.kafka_controller_port,
        "Kafka controller listener",
        "GOVROUTE_KAFKA_CONTROLLER_PORT",
    )


def start_broker(settings: Settings | None = None, timeout: float = READY_TIMEOUT_S) -> int:
    """Start the broker (keeping its data) unless it runs; return its pid once ready."""
    settings = settings or load_settings()
    if settings.kafka_external:
        raise InfraError(f"Kafka is external ({settings.kafka_bootstrap}); not starting one")
    pid = broker_pid(settings)
    if pid is not None:
        return pid
    check_ports(settings)
    libs = ensure_jars(settings)
    config = _write_config(settings)
    format_storage(settings, libs, config)
    pid = _spawn(settings, libs, config)
    wait_ready(settings, lambda: broker_pid(settings) is not None, timeout)
    return pid


def stop_broker(settings: Settings | None = None, timeout: float = 30.0) -> bool:
    """Stop the broker (SIGTERM, then SIGKILL after `timeout`); data is kept.

    Returns True when a running broker was stopped.
    """
    settings = settings or load_settings()
    pid = broker_pid(settings)
    if pid is None:
        pid_file(settings).unlink(missing_ok=True)
        return False
    stop_process_group(pid, timeout)
    pid_file(settings).unlink(missing_ok=True)
    return True


async def wait_broker_ready(settings: Settings | None = None, within_s: float = 60.0) -> None:
    """Async wait until the (possibly external) broker answers metadata requests."""
    settings = settings or load_settings()
    deadline = time.monotonic() + within_s
    with _quiet_aiokafka():
        while time.monotonic() < deadline:
            if await _metadata_answers(settings.kafka_bootstrap):
                return
            await asyncio.sleep(0.3)
    raise InfraError(f"Kafka at {settings.kafka_bootstrap} not ready within {within_s:.0f}s")
