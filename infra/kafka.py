"""The local Apache Kafka brokers: one KRaft node (broker + controller) on 127.0.0.1.

A stack has two *profiles*, each its own broker with its own data and ports:

- ``plain`` (``<stack dir>/kafka``, 19092/19093): PLAINTEXT, no authorizer; what the
  demo, the tests and `router infra up` use;
- ``secure`` (``<stack dir>/kafka-secure``, 19094/19095): a SASL_PLAINTEXT listener
  with SCRAM-SHA-512, KRaft's StandardAuthorizer and no access without an ACL
  (``allow.everyone.if.no.acl.found=false``); ``admin`` is the only super user, its
  SCRAM credential is written at format time (principals and ACLs: `infra.secure`).
  The controller listener takes SASL PLAIN from ``admin`` only.

Layout under a profile's dir: ``server.properties`` (generated on every start, mode
0600), ``data/`` (the log dirs, formatted once by StorageTool), ``logs/server.log``
(log4j2) and ``logs/kafka.out`` (stdout/stderr), ``kafka.pid``; the secure profile also
keeps ``credentials.json`` (mode 0600).
`stop_broker()` / `start_broker()` keep the data, so a broker can be bounced mid-test.
Every function takes a `BrokerProfile`, or `Settings` meaning its plain profile.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from clients.kafka_security import KafkaSecurity
from infra.aio import run_sync
from infra.credentials import ADMIN, CredentialStore
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


@dataclass(frozen=True)
class BrokerProfile:
    """One local broker of a stack: its dir, ports and how clients authenticate to it."""

    settings: Settings
    dir: Path
    port: int
    controller_port: int
    secure: bool = False
    external: bool = False
    bootstrap: str = field(default="")

    def __post_init__(self) -> None:
        if not self.bootstrap:
            object.__setattr__(self, "bootstrap", f"{HOST}:{self.port}")

    @property
    def name(self) -> str:
        return "secure" if self.secure else "plain"

    @property
    def port_env(self) -> str:
        return f"GOVROUTE_KAFKA_{'SECURE_' if self.secure else ''}PORT"

    @property
    def controller_port_env(self) -> str:
        return f"GOVROUTE_KAFKA_{'SECURE_' if self.secure else ''}CONTROLLER_PORT"

    @property
    def credentials(self) -> CredentialStore:
        return CredentialStore(self.dir / "credentials.json")

    def admin_security(self) -> KafkaSecurity:
        """How infra itself connects: the ``admin`` super user on the secure profile, the
        ``GOVROUTE_KAFKA_*`` security variables on an external cluster, else PLAINTEXT."""
        if self.secure:
            return KafkaSecurity.scram(ADMIN, self.credentials.password(ADMIN))
        return KafkaSecurity.from_env() if self.external else KafkaSecurity()

    def admin_kwargs(self) -> dict[str, Any]:
        return self.admin_security().client_kwargs()


def plain_profile(settings: Settings) -> BrokerProfile:
    s = settings
    return BrokerProfile(s, s.kafka_dir, s.kafka_port, s.kafka_controller_port,
                         external=s.kafka_external, bootstrap=s.kafka_bootstrap)


def secure_profile(settings: Settings) -> BrokerProfile:
    """Always the local secure broker (``GOVROUTE_KAFKA_BOOTSTRAP`` does not apply)."""
    s = settings
    return BrokerProfile(s, s.kafka_secure_dir, s.kafka_secure_port,
                         s.kafka_secure_controller_port, secure=True)


def profile(settings: Settings | None = None, *, secure: bool = False) -> BrokerProfile:
    settings = settings or load_settings()
    return secure_profile(settings) if secure else plain_profile(settings)


Target = Settings | BrokerProfile | None


def _profile(target: Target) -> BrokerProfile:
    if isinstance(target, BrokerProfile):
        return target
    return plain_profile(target or load_settings())


def data_dir(target: Target) -> Path:
    return _profile(target).dir / "data"


def logs_dir(target: Target) -> Path:
    return _profile(target).dir / "logs"


def server_log(target: Target) -> Path:
    return logs_dir(target) / "server.log"


def stdout_log(target: Target) -> Path:
    return logs_dir(target) / "kafka.out"


def pid_file(target: Target) -> Path:
    return _profile(target).dir / "kafka.pid"


def _jaas(module: str, username: str, password: str, **users: str) -> str:
    extra = "".join(f' user_{name}="{secret}"' for name, secret in users.items())
    return f'{module} required username="{username}" password="{password}"{extra};'


def _secure_properties(prof: BrokerProfile, admin_password: str) -> dict[str, str]:
    """SASL_PLAINTEXT + SCRAM-SHA-512 for clients, SASL PLAIN (admin only) for the
    controller listener (KRaft controllers cannot use SCRAM: its credentials live in the
    metadata log they serve), the standard authorizer, deny by default."""
    host, client, controller = HOST, prof.port, prof.controller_port
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule"
    plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
    return {
        "listeners": f"SASL_PLAINTEXT://{host}:{client},CONTROLLER://{host}:{controller}",
        "advertised.listeners": f"SASL_PLAINTEXT://{host}:{client}",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": _jaas(
            plain, ADMIN, admin_password, **{ADMIN: admin_password}
        ),
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": _jaas(
            scram, ADMIN, admin_password
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN}",
    }


def server_properties(target: Target, admin_password: str = "") -> str:
    """The broker's configuration: single node, no auto-created topics, RF 1 everywhere."""
    prof = _profile(target)
    client, controller = prof.port, prof.controller_port
    props = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{controller}",
        "listeners": f"PLAINTEXT://{HOST}:{client},CONTROLLER://{HOST}:{controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{client}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir(prof)),
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
    if prof.secure:
        props |= _secure_properties(prof, admin_password)
    return "".join(f"{key}={value}\n" for key, value in props.items())


def _java(prof: BrokerProfile, libs: Path, *args: str) -> list[str]:
    return [
        "java",
        *HEAP_OPTS,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J2_CONFIG}",
        f"-Dkafka.logs.dir={logs_dir(prof)}",
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


def _admin_password(prof: BrokerProfile) -> str:
    """The secure profile's admin password, generated (and stored 0600) on first use."""
    return prof.credentials.ensure(ADMIN) if prof.secure else ""


def _write_config(prof: BrokerProfile) -> Path:
    prof.dir.mkdir(parents=True, exist_ok=True)
    logs_dir(prof).mkdir(parents=True, exist_ok=True)
    path = prof.dir / "server.properties"
    # 0600: the secure profile's file holds the admin password
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(server_properties(prof, _admin_password(prof)))
    path.chmod(0o600)
    return path


def format_storage(target: Target, libs: Path, config: Path) -> bool:
    """Format the KRaft log dir once (True when it was formatted now).

    The secure profile's admin SCRAM credential is created here (``--add-scram``): the
    only way to have a first user before the broker can authenticate anybody.
    """
    prof = _profile(target)
    if (data_dir(prof) / "meta.properties").exists():
        return False
    args = ["format", "-t", _new_cluster_id(), "-c", str(config)]
    if prof.secure:
        args += ["--add-scram", f"SCRAM-SHA-512=[name={ADMIN},password={_admin_password(prof)}]"]
    result = subprocess.run(
        _java(prof, libs, STORAGE_TOOL, *args), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise InfraError(f"Kafka StorageTool format failed:\n{result.stdout}{result.stderr}")
    return True


def broker_pid(target: Target = None) -> int | None:
    """Pid of the broker this stack started, if it is running."""
    return running_pid(pid_file(target), MAIN_CLASS)


def _spawn(prof: BrokerProfile, libs: Path, config: Path) -> int:
    with stdout_log(prof).open("ab") as out:
        proc = subprocess.Popen(
            _java(prof, libs, MAIN_CLASS, str(config)),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=prof.dir,
        )
    pid_file(prof).write_text(f"{proc.pid}\n")
    return proc.pid


async def _metadata_answers(
    bootstrap: str, timeout_ms: int = 3000, security: dict[str, Any] | None = None
) -> bool:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms, **(security or {})
    )
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


def wait_ready(target: Target, alive: Callable[[], bool], timeout: float = READY_TIMEOUT_S) -> None:
    """Block until the broker answers a metadata request; clear error with the log tail."""
    prof = _profile(target)
    deadline = time.monotonic() + timeout
    host, _, port = prof.bootstrap.split(",")[0].rpartition(":")
    with _quiet_aiokafka():
        while time.monotonic() < deadline:
            if not alive():
                raise InfraError(f"Kafka exited while starting; log tail:\n{_tails(prof)}")
            if port_answers(host, int(port)) and run_sync(
                _metadata_answers(prof.bootstrap, security=prof.admin_kwargs())
            ):
                return
            time.sleep(0.3)
    raise InfraError(
        f"Kafka did not answer metadata requests on {prof.bootstrap} within "
        f"{timeout:.0f}s; log tail:\n{_tails(prof)}"
    )


def _tails(prof: BrokerProfile) -> str:
    return (
        f"--- {server_log(prof)}\n{log_tail(server_log(prof))}\n"
        f"--- {stdout_log(prof)}\n{log_tail(stdout_log(prof), 15)}"
    )


def check_ports(target: Target) -> None:
    """Refuse to start when a foreign process holds one of the broker's ports."""
    prof = _profile(target)
    require_free_port(prof.port, f"Kafka client listener ({prof.name})", prof.port_env)
    require_free_port(
        prof.controller_port,
        f"Kafka controller listener ({prof.name})",
        prof.controller_port_env,
    )


def start_broker(target: Target = None, timeout: float = READY_TIMEOUT_S) -> int:
    """Start the broker (keeping its data) unless it runs; return its pid once ready."""
    prof = _profile(target)
    if prof.external:
        raise InfraError(f"Kafka is external ({prof.bootstrap}); not starting one")
    pid = broker_pid(prof)
    if pid is not None:
        return pid
    check_ports(prof)
    libs = ensure_jars(prof.settings)
    config = _write_config(prof)
    format_storage(prof, libs, config)
    pid = _spawn(prof, libs, config)
    wait_ready(prof, lambda: broker_pid(prof) is not None, timeout)
    return pid


def stop_broker(target: Target = None, timeout: float = 30.0) -> bool:
    """Stop the broker (SIGTERM, then SIGKILL after `timeout`); data is kept.

    Returns True when a running broker was stopped.
    """
    prof = _profile(target)
    pid = broker_pid(prof)
    if pid is None:
        pid_file(prof).unlink(missing_ok=True)
        return False
    stop_process_group(pid, timeout)
    pid_file(prof).unlink(missing_ok=True)
    return True


async def wait_broker_ready(target: Target = None, within_s: float = 60.0) -> None:
    """Async wait until the (possibly external) broker answers metadata requests."""
    prof = _profile(target)
    deadline = time.monotonic() + within_s
    with _quiet_aiokafka():
        while time.monotonic() < deadline:
            if await _metadata_answers(prof.bootstrap, security=prof.admin_kwargs()):
                return
            await asyncio.sleep(0.3)
    raise InfraError(f"Kafka at {prof.bootstrap} not ready within {within_s:.0f}s")
