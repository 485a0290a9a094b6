"""Stack orchestration: `up` is idempotent, `status` tells the addresses, ports are checked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from infra import kafka
from infra.errors import InfraError
from infra.settings import Settings, load_settings
from infra.stack import status, up


def _router(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.fixture
def taken_port(free_port: Callable[[], int]) -> Iterator[int]:
    """A port held by a throwaway listening socket (a 'foreign process')."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port()))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_second_up_is_a_quick_no_op(stack: Settings) -> None:
    report = up(stack)
    assert report.started == []
    assert not report.changed
    assert report.seconds < 10


def test_cli_up_again_says_already_running(stack: Settings) -> None:
    result = _router("infra", "up")
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stdout


def test_status_reports_addresses(stack: Settings, kafka_bootstrap: str, pg_dsn: str) -> None:
    info = status(stack)
    assert info["kafka"]["bootstrap_servers"] == kafka_bootstrap
    assert info["kafka"]["reachable"]
    assert info["postgres"]["dsn"] == pg_dsn
    if not stack.kafka_external:
        assert info["kafka"]["pid"] == kafka.broker_pid(stack)
        assert info["kafka"]["version"] == stack.kafka_version


def test_cli_status_json(stack: Settings, kafka_bootstrap: str, pg_dsn: str) -> None:
    result = _router("infra", "status", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    info = json.loads(result.stdout)
    assert info["kafka"]["bootstrap_servers"] == kafka_bootstrap
    assert info["postgres"]["dsn"] == pg_dsn


def test_taken_kafka_port_is_named(
    stack: Settings, taken_port: int, free_port: Callable[[], int], tmp_path: Path
) -> None:
    env = {
        "GOVROUTE_STACK_DIR": str(tmp_path / "stack"),
        "GOVROUTE_KAFKA_PORT": str(taken_port),
        "GOVROUTE_KAFKA_CONTROLLER_PORT": str(free_port()),
        "GOVROUTE_PG_PORT": str(free_port()),
    }
    with pytest.raises(InfraError, match=f"port {taken_port} .*GOVROUTE_KAFKA_PORT"):
        up(load_settings(env))
    result = _router("infra", "up", env=env)
    assert result.returncode == 1
    assert f"port {taken_port}" in result.stderr


def test_taken_postgres_port_is_named(stack: Settings, taken_port: int, tmp_path: Path) -> None:
    env = {
        "GOVROUTE_STACK_DIR": str(tmp_path / "stack"),
        "GOVROUTE_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "GOVROUTE_PG_PORT": str(taken_port),
    }
    with pytest.raises(InfraError, match=f"port {taken_port} .*Postgres.*GOVROUTE_PG_PORT"):
        up(load_settings(env))
    assert not (tmp_path / "stack" / "postgres" / "data").exists()


async def _roundtrip(bootstrap: str, topic: str, value: bytes | None) -> list[bytes]:
    if value is not None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
        await producer.start()
        await producer.send_and_wait(topic, value)
        await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=5000)
        return [r.value for part in batch.values() for r in part]
    finally:
        await consumer.stop()


async def test_private_broker_restart_keeps_data(
    stack: Settings, free_port: Callable[[], int], tmp_path: Path, unique: str
) -> None:
    """stop_broker()/start_broker() on a throwaway broker; the shared one is left alone."""
    from infra.topics import ensure_topic

    settings = load_settings(
        {
            "GOVROUTE_STACK_DIR": str(tmp_path / "stack"),
            "GOVROUTE_KAFKA_PORT": str(free_port()),
            "GOVROUTE_KAFKA_CONTROLLER_PORT": str(free_port()),
            **({"GOVROUTE_CACHE_DIR": str(stack.cache_dir)}),
        }
    )
    topic = f"test.restart.{unique}"
    try:
        kafka.start_broker(settings)
        await ensure_topic(topic, 1, bootstrap=settings.kafka_bootstrap)
        assert await _roundtrip(settings.kafka_bootstrap, topic, b"before") == [b"before"]
        assert kafka.stop_broker(settings)
        assert kafka.broker_pid(settings) is None
        kafka.start_broker(settings)
        assert await _roundtrip(settings.kafka_bootstrap, topic, None) == [b"before"]
    finally:
        kafka.stop_broker(settings)
