"""A run's own Kafka topic prefix and Postgres database, so runs never mix."""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from clients.kafka_security import client_kwargs
from infra.migrate import migrate
from infra.postgres import superuser
from infra.settings import PG_USER, Settings
from infra.topics import create_topics


@dataclass(frozen=True)
class RunResources:
    run_id: str  # e.g. 20261127T093000-3fa2
    prefix: str  # topic prefix, e.g. demo20261127t093000x3fa2
    database: str
    dsn: str
    app_id: str

    @property
    def sink_group(self) -> str:
        return f"{self.app_id}-pg-sink"


def new_run_id() -> str:
    return f"{datetime.now():%Y%m%d%H%M%S}{secrets.token_hex(2)}"


#: A run's topics ("demo<run id>." / "demo<run id>-router...") and database ("demo_<run id>").
_RUN_TOPIC = re.compile(r"^demo(\d{14})[0-9a-f]{4}[.-]")
_RUN_DATABASE = re.compile(r"^demo_(\d{14})[0-9a-f]{4}$")


def started_at(run_timestamp: str) -> datetime:
    return datetime.strptime(run_timestamp, "%Y%m%d%H%M%S")


def stale(names: list[str], pattern: re.Pattern[str], before: datetime) -> list[str]:
    """The names of runs started before `before` (by the timestamp in their run id)."""
    return [n for n in names if (m := pattern.match(n)) and started_at(m.group(1)) < before]


@dataclass
class Pruned:
    topics: list[str] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)


async def prune_runs(stack: Settings, older_than: timedelta, now: datetime | None = None
                     ) -> Pruned:
    """Delete the topics and databases of demo runs started more than `older_than` ago.

    Every run keeps its own prefix and database so that `router status` can look at it
    afterwards; without this, each demo left ~75 topics (plus one per office) behind, and
    every Kafka client's metadata refresh grows with the broker's topic count. A run
    younger than `older_than` may still be going on (another terminal, a test), so it stays.
    """
    from aiokafka.admin import AIOKafkaAdminClient

    before = (now or datetime.now()) - older_than
    pruned = Pruned()
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap, **client_kwargs())
    await admin.start()
    try:
        pruned.topics = stale(await admin.list_topics(), _RUN_TOPIC, before)
        for start in range(0, len(pruned.topics), 200):
            await admin.delete_topics(pruned.topics[start:start + 200])
    finally:
        await admin.close()
    if stack.pg_external:
        return pruned  # the configured role may not drop databases; leave them
    async with superuser(stack) as conn:
        rows = await conn.fetch("SELECT datname FROM pg_database")
        pruned.databases = stale([r["datname"] for r in rows], _RUN_DATABASE, before)
        for name in pruned.databases:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return pruned


async def create_database(stack: Settings, name: str) -> str:
    """Create database `name` owned by the router's role, migrate it, return its DSN."""
    if stack.pg_external:  # no superuser socket: the configured role needs CREATEDB
        conn = await asyncpg.connect(stack.pg_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
    else:
        async with superuser(stack) as conn:
            await conn.execute(f'CREATE DATABASE "{name}" OWNER {PG_USER}')
    dsn = stack.pg_dsn.rsplit("/", 1)[0] + "/" + name
    await migrate(dsn)
    return dsn


async def provision(stack: Settings, run_id: str) -> RunResources:
    """Fixed topics under a fresh prefix and a fresh, migrated database."""
    prefix = f"demo{run_id}"
    await create_topics(dataclasses.replace(stack, topic_prefix=prefix))
    database = f"demo_{run_id}"
    dsn = await create_database(stack, database)
    return RunResources(run_id, prefix, database, dsn, f"{prefix}-router")
