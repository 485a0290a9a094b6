"""Fixtures for tests against the real local stack (Kafka + Postgres, see infra/).

`stack` brings the stack up (idempotently) once per session; when it cannot, every
test that uses it fails with the reason; nothing here is ever skipped.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from streams_harness import Harness

from infra.errors import InfraError
from infra.settings import Settings
from infra.stack import ensure_up

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack() -> Settings:
    try:
        return ensure_up()
    except InfraError as exc:
        pytest.fail(f"the local stack could not come up: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: Settings) -> str:
    return stack.kafka_bootstrap


@pytest.fixture(scope="session")
def pg_dsn(stack: Settings) -> str:
    return stack.pg_dsn


@pytest.fixture
def unique() -> str:
    """A short random suffix for topic, group and app names private to one test."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def free_port() -> Callable[[], int]:
    """Returns a function giving a loopback port that is free right now."""

    def pick() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])

    return pick


@pytest.fixture
async def harness(stack: Settings, tmp_path: Path) -> AsyncIterator[Harness]:
    """A private router deployment: topics, database; start workers with `start_worker`."""
    h = Harness(stack, tmp_path)
    await h.start()
    try:
        yield h
    finally:
        await h.close()
        for worker in h.workers:
            if worker.process.returncode not in (0, -15, -9, None):
                print(f"--- worker {worker.name} log tail ---\n{worker.log_tail()}")
