"""A run's own Kafka topic prefix and Postgres database, so runs never mix."""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from infra.migrate import migrate
from infra.postgres import socket_dir
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


async def create_database(stack: Settings, name: str) -> str:
    """Create database `name` owned by the router's role, migrate it, return its DSN."""
    if stack.pg_external:  # no superuser socket: the configured role needs CREATEDB
        conn = await asyncpg.connect(stack.pg_dsn)
        owner = ""
    else:
        conn = await asyncpg.connect(host=str(socket_dir(stack)), port=stack.pg_port,
                                     user="postgres", database="postgres")
        owner = f" OWNER {PG_USER}"
    try:
        await conn.execute(f'CREATE DATABASE "{name}"{owner}')
    finally:
        await conn.close()
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
