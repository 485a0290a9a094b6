"""The secure profile on a real broker: SASL/SCRAM, the standard authorizer, our ACLs.

One private secure broker for the module (own stack dir, free ports; Postgres is the
shared stack's), brought up exactly as `router infra up --secure` does. Every client here
is the product's own, configured from the GOVROUTE_KAFKA_* variables that
`router infra principal env NAME` prints; nothing is mocked. The last test runs a real
router worker as principal `router` (no super user) through a request's whole life.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import stat
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from scenario_builders import DAY, licence, request, service
from streams_harness import REPO, Harness, free_port, fresh_database

from clients import CatalogClient, IntakeClient, OfficeClient, RegulatorClient
from clients.kafka_security import KafkaSecurity
from clients.producer import EnvelopeProducer
from contracts.registry import new_envelope, parse_event
from contracts.topics import office_topic, topic_name
from infra import kafka
from infra.secure import add_principal, principal_env
from infra.settings import Settings, load_settings
from infra.stack import down, up
from infra.topics import ensure_topic
from ops.logread import read_topic

OFFICE_A, OFFICE_B = "GEN-00001", "GEN-00002"
OFFICE_C = "GEN-00003"  # licensed during the end-to-end test: the router opens its stream
AUTHZ = (TopicAuthorizationFailedError, GroupAuthorizationFailedError,
         ClusterAuthorizationFailedError)


@dataclasses.dataclass
class Secure:
    settings: Settings
    profile: kafka.BrokerProfile
    harness: Harness  # its prefix and workers; its plaintext clients are never started
    shared: Settings  # the shared stack, for its Postgres

    @property
    def bootstrap(self) -> str:
        return self.profile.bootstrap

    def topic(self, name: str) -> str:
        return topic_name(name, self.settings.topic_prefix)

    def office_topic(self, office_id: str) -> str:
        return office_topic(office_id, self.settings.topic_prefix)

    def env(self, principal: str) -> dict[str, str]:
        return principal_env(self.profile, principal)

    def kwargs(self, principal: str) -> dict[str, Any]:
        return KafkaSecurity.from_env(self.env(principal)).client_kwargs()


@contextlib.contextmanager
def acting_as(secure: Secure, principal: str) -> Iterator[dict[str, str]]:
    """The process environment of a user who ran `eval "$(router infra principal env P)"`."""
    env = secure.env(principal)
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
async def secure(
        stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Secure]:
    tmp = tmp_path_factory.mktemp("secure")
    harness = Harness(stack, tmp)
    settings = load_settings({
        "GOVROUTE_STACK_DIR": str(tmp / "stack"),
        "GOVROUTE_CACHE_DIR": str(stack.cache_dir),
        "GOVROUTE_KAFKA_SECURE_PORT": str(free_port()),
        "GOVROUTE_KAFKA_SECURE_CONTROLLER_PORT": str(free_port()),
        "GOVROUTE_PG_DSN": stack.pg_dsn,  # the shared Postgres: never started or stopped here
        "GOVROUTE_TOPIC_PREFIX": harness.prefix,
        "GOVROUTE_APP_ID": f"{harness.prefix}-router",  # the app id the harness gives workers
    })
    try:
        await asyncio.to_thread(up, settings, secure=True)
        prof = kafka.secure_profile(settings)
        for kind, ident in (("office", OFFICE_A), ("office", OFFICE_B), ("agency", "tax")):
            await asyncio.to_thread(add_principal, prof, kind, ident)
        yield Secure(settings, prof, harness, stack)
    finally:
        for worker in harness.workers:
            worker.stop()
        await asyncio.to_thread(down, settings, True, secure=True)
    assert kafka.broker_pid(kafka.secure_profile(settings)) is None


async def _produce(secure: Secure, principal: str, topic: str, value: bytes = b"{}") -> int:
    producer = AIOKafkaProducer(bootstrap_servers=secure.bootstrap, enable_idempotence=True,
                                request_timeout_ms=10000, **secure.kwargs(principal))
    try:
        await producer.start()
        metadata = await producer.send_and_wait(topic, value, key=b"k")
        return int(metadata.offset)
    finally:
        await producer.stop()


async def _consume(secure: Secure, principal: str, topic: str, group: str | None) -> list[Any]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=secure.bootstrap, group_id=group,
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                **secure.kwargs(principal))
    try:
        await consumer.start()
        batch = await consumer.getmany(timeout_ms=3000)
        return [m for messages in batch.values() for m in messages]
    finally:
        await consumer.stop()


def _server_log(secure: Secure) -> str:
    return kafka.server_log(secure.profile).read_text(errors="replace")


# -- the profile itself ---------------------------------------------------------------


def test_credentials_are_private_and_the_broker_denies_by_default(secure: Secure) -> None:
    creds = secure.profile.credentials.path
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert stat.S_IMODE((secure.profile.dir / "server.properties").stat().st_mode) == 0o600
    assert {"router", "regulator", "ops", "intake-portal", "intake-counter",
            f"office-{OFFICE_A}", f"office-{OFFICE_B}", "agency-tax"} <= set(
        secure.profile.credentials.names())
    props = (secure.profile.dir / "server.properties").read_text()
    assert "allow.everyone.if.no.acl.found=false" in props
    assert "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer" in props
    assert "super.users=User:admin\n" in props
    assert f"SASL_PLAINTEXT://127.0.0.1:{secure.profile.port}" in props


def test_principal_env_prints_exports_that_the_clients_understand(secure: Secure) -> None:
    env = {**os.environ, "GOVROUTE_STACK_DIR": str(secure.settings.stack_dir),
           "GOVROUTE_KAFKA_SECURE_PORT": str(secure.profile.port),
           "GOVROUTE_TOPIC_PREFIX": secure.settings.topic_prefix,
           "GOVROUTE_CACHE_DIR": str(secure.settings.cache_dir)}
    out = subprocess.run([sys.executable, "-m", "cli.main", "infra", "principal", "env",
                          f"office-{OFFICE_A}"], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    exported = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
    assert exported["GOVROUTE_KAFKA_BOOTSTRAP"] == secure.bootstrap
    assert exported["GOVROUTE_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert exported["GOVROUTE_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert exported["GOVROUTE_KAFKA_USERNAME"] == f"office-{OFFICE_A}"
    assert exported["GOVROUTE_KAFKA_PASSWORD"].strip("'") == secure.profile.credentials.password(
        f"office-{OFFICE_A}")
    # passwords never reach the broker's logs nor `status`
    status = subprocess.run([sys.executable, "-m", "cli.main", "infra", "status", "--secure",
                             "--json"], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60).stdout
    for password in secure.profile.credentials.load().values():
        assert password not in status
        assert password not in _server_log(secure)


# -- who is refused ---------------------------------------------------------------------


async def test_an_unauthenticated_client_is_refused(secure: Secure) -> None:
    before = await _end_offset(secure, secure.topic("requests"))
    producer = AIOKafkaProducer(bootstrap_servers=secure.bootstrap, request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):  # PLAINTEXT: not even metadata
        await producer.start()
    await producer.stop()
    with acting_as(secure, "intake-portal"):
        os.environ.pop("GOVROUTE_KAFKA_SECURITY_PROTOCOL")  # the product's default: PLAINTEXT
        with pytest.raises(KafkaConnectionError):
            async with IntakeClient(secure.bootstrap, secure.settings.topic_prefix) as intake:
                await intake.submit(request("REQ-SEC-ANON"))
    assert await _end_offset(secure, secure.topic("requests")) == before


async def test_a_wrong_password_is_refused_by_sasl(
        secure: Secure, caplog: pytest.LogCaptureFixture) -> None:
    wrong = KafkaSecurity.scram("intake-portal", "not-the-password").client_kwargs()
    producer = AIOKafkaProducer(bootstrap_servers=secure.bootstrap, request_timeout_ms=5000,
                                **wrong)
    with caplog.at_level(logging.ERROR, logger="aiokafka"), \
            pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()
    assert "SaslAuthenticationFailed" in caplog.text
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text
    assert "Failed authentication" in _server_log(secure)


async def test_an_office_reads_only_its_own_assignment_stream(secure: Secure) -> None:
    for office in (OFFICE_A, OFFICE_B):  # the admin (super user) opens both streams
        await ensure_topic(secure.office_topic(office), 1, bootstrap=secure.bootstrap,
                           security=secure.profile.admin_kwargs())
        await _produce(secure, "admin", secure.office_topic(office), f"for {office}".encode())

    mine = await _consume(secure, f"office-{OFFICE_A}", secure.office_topic(OFFICE_A),
                          f"office-{OFFICE_A}")
    assert [m.value for m in mine][:1] == [f"for {OFFICE_A}".encode()]
    with pytest.raises(TopicAuthorizationFailedError):  # office B's stream, own group
        await _consume(secure, f"office-{OFFICE_A}", secure.office_topic(OFFICE_B),
                       f"office-{OFFICE_A}")
    with pytest.raises(AUTHZ):  # nor with B's group, without a group, or by partition
        await _consume(secure, f"office-{OFFICE_A}", secure.office_topic(OFFICE_A),
                       f"office-{OFFICE_B}")
    consumer = AIOKafkaConsumer(bootstrap_servers=secure.bootstrap, group_id=None,
                                **secure.kwargs(f"office-{OFFICE_A}"))
    await consumer.start()
    try:
        consumer.assign([TopicPartition(secure.office_topic(OFFICE_B), 0)])
        # aiokafka only logs the refused metadata of a manually assigned partition
        assert await consumer.getmany(timeout_ms=2000) == {}
    finally:
        await consumer.stop()
    denied = f"Principal = User:office-{OFFICE_A} is Denied"
    assert any(denied in line and secure.office_topic(OFFICE_B) in line
               for line in _server_log(secure).splitlines())


async def test_an_office_writes_fulfilment_but_not_requests_nor_its_own_stream(
        secure: Secure) -> None:
    principal = f"office-{OFFICE_A}"
    assert await _produce(secure, principal, secure.topic("fulfilment")) >= 0
    for topic in (secure.topic("requests"), secure.office_topic(OFFICE_A),
                  secure.topic("decisions")):
        with pytest.raises(TopicAuthorizationFailedError):
            await _produce(secure, principal, topic)


async def test_an_intake_writes_requests_only(secure: Secure) -> None:
    with acting_as(secure, "intake-counter"):
        async with IntakeClient(secure.bootstrap, secure.settings.topic_prefix) as intake:
            assert await intake.submit(request("REQ-SEC-INTAKE"))
            assert await intake.cancel("REQ-SEC-INTAKE", "citizen", "changed mind")
        async with EnvelopeProducer(secure.bootstrap, secure.settings.topic_prefix,
                                    client_id="sneaky") as out:
            with pytest.raises(TopicAuthorizationFailedError):
                await out.send("fulfilment", "REQ-SEC-INTAKE", new_envelope(
                    service("CIV-101"), producer="x", occurred_at=DAY))
    for topic, group in ((secure.topic("decisions"), None),
                         (secure.topic("requests"), "intake-counter")):
        with pytest.raises(AUTHZ):
            await _consume(secure, "intake-counter", topic, group)


async def test_ops_reads_decisions_and_writes_nothing(secure: Secure) -> None:
    await _produce(secure, "admin", secure.topic("decisions"), b'{"audit": 1}')
    with acting_as(secure, "ops"):
        records = [r async for r in read_topic(secure.bootstrap, secure.topic("decisions"))]
    assert b'{"audit": 1}' in [r.value for r in records]
    assert await _consume(secure, "ops", secure.topic("requests"), "ops-audit") is not None
    for topic in ("decisions", "requests", "fulfilment", "router-log", "licences"):
        with pytest.raises(AUTHZ):  # no WRITE anywhere, so not even an idempotent producer
            await _produce(secure, "ops", secure.topic(topic))


# -- the router, as a principal with prefixed ACLs only ------------------------------------


async def test_a_router_worker_routes_end_to_end_under_acls(secure: Secure) -> None:
    h, prefix = secure.harness, secure.settings.topic_prefix
    h.dsn = await fresh_database(secure.shared, f"t_{h.run}")
    await asyncio.to_thread(add_principal, secure.profile, "office", OFFICE_C)  # added later
    assert secure.office_topic(OFFICE_C) not in await _topics(secure)
    with acting_as(secure, "regulator"):
        async with CatalogClient(secure.bootstrap, prefix) as catalog:
            await catalog.define(service("CIV-101"), occurred_at=DAY)
        async with RegulatorClient(secure.bootstrap, prefix) as regulator:
            await regulator.publish(licence(OFFICE_C, capacity=5), occurred_at=DAY)

    worker = h.start_worker("secure-w1", **secure.env("router"), GOVROUTE_SINK="1")
    await h.wait_ready(worker, timeout=90)
    with acting_as(secure, "intake-portal"):
        async with IntakeClient(secure.bootstrap, prefix, producer_name="portal") as intake:
            await intake.submit(request("REQ-SEC-E2E", at=DAY + timedelta(seconds=5)))

    with acting_as(secure, f"office-{OFFICE_C}"):
        async with OfficeClient(secure.bootstrap, prefix, office_id=OFFICE_C) as office:
            made = await _first_assignment(office, worker)
            assert made.payload.request_id == "REQ-SEC-E2E"
            await office.accept(made.payload, at=DAY + timedelta(seconds=10))
            await office.fulfil(made.payload, "DELIVERED-1", at=DAY + timedelta(seconds=20))

    rows = await h.wait_sql(
        "SELECT state, office_id, seq FROM govroute.requests WHERE request_id = $1",
        lambda rows: bool(rows) and rows[0]["state"] == "fulfilled", "REQ-SEC-E2E", timeout=60)
    assert rows[0]["office_id"] == OFFICE_C
    assert secure.office_topic(OFFICE_C) in await _topics(secure)  # created by the router
    with acting_as(secure, "ops"):  # the audit trail, read as ops
        states = [parse_event(r.value) async for r in read_topic(
            secure.bootstrap, secure.topic("request-state"))]
    assert [str(e.payload.to_state) for e in states if e.payload.request_id == "REQ-SEC-E2E"] \
        == ["received", "assigned", "accepted", "fulfilled"]
    log = worker.log.read_text(errors="replace")
    assert "AuthorizationFailed" not in log, worker.log_tail()
    assert secure.env("router")["GOVROUTE_KAFKA_PASSWORD"] not in log
    assert f"User:{secure.env('router')['GOVROUTE_KAFKA_USERNAME']} is Denied" not in \
        _server_log(secure)


async def _first_assignment(office: OfficeClient, worker: Any) -> Any:
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        try:  # the relay creates the office's stream when it sees the licence
            async for event in office.assignments(idle_timeout=2.0):
                if event.event_type == "assignment.made":
                    return event
        except LookupError:
            pass
        assert worker.process.poll() is None, worker.log_tail()
        await asyncio.sleep(0.5)
    raise AssertionError(f"no assignment reached {office.topic}:\n{worker.log_tail()}")


async def _topics(secure: Secure) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=secure.bootstrap,
                                **secure.profile.admin_kwargs())
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _end_offset(secure: Secure, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=secure.bootstrap, group_id=None,
                                **secure.profile.admin_kwargs())
    await consumer.start()
    try:
        await consumer.topics()  # a fresh metadata fetch
        partitions = consumer.partitions_for_topic(topic) or {0}
        tps = [TopicPartition(topic, p) for p in partitions]
        return sum((await consumer.end_offsets(tps)).values())
    finally:
        await consumer.stop()

