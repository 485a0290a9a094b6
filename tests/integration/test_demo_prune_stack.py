"""`router demo` deletes old demo runs' topics and databases first, and only old ones."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from demo.resources import prune_runs
from infra.postgres import socket_dir
from infra.settings import Settings

OLD, YOUNG = "demo20200101000000abcd", f"demo{datetime.now():%Y%m%d%H%M%S}ef01"


async def _topics(stack: Settings) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _databases(stack: Settings) -> set[str]:
    conn = await asyncpg.connect(host=str(socket_dir(stack)), port=stack.pg_port,
                                 user="postgres", database="postgres")
    try:
        return {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


async def _make_runs(stack: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(f"{run}.requests", 1, 1) for run in (OLD, YOUNG)])
    finally:
        await admin.close()
    conn = await asyncpg.connect(host=str(socket_dir(stack)), port=stack.pg_port,
                                 user="postgres", database="postgres")
    try:
        for run in (OLD, YOUNG):
            await conn.execute(f'DROP DATABASE IF EXISTS "demo_{run[4:]}"')
            await conn.execute(f'CREATE DATABASE "demo_{run[4:]}"')
    finally:
        await conn.close()


async def _drop_young(stack: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([f"{YOUNG}.requests"])
    finally:
        await admin.close()
    conn = await asyncpg.connect(host=str(socket_dir(stack)), port=stack.pg_port,
                                 user="postgres", database="postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "demo_{YOUNG[4:]}"')
    finally:
        await conn.close()


def test_old_runs_are_pruned_and_a_run_of_the_last_hour_is_kept(stack: Settings) -> None:
    async def scenario() -> None:
        await _make_runs(stack)
        pruned = await prune_runs(stack, timedelta(hours=1))
        assert f"{OLD}.requests" in pruned.topics
        assert f"demo_{OLD[4:]}" in pruned.databases
        assert not any(YOUNG in name for name in pruned.topics + pruned.databases)
        for _ in range(50):  # topic deletion completes asynchronously in the broker
            topics = await _topics(stack)
            if f"{OLD}.requests" not in topics:
                break
            await asyncio.sleep(0.1)
        assert f"{OLD}.requests" not in topics
        assert f"{YOUNG}.requests" in topics
        databases = await _databases(stack)
        assert f"demo_{OLD[4:]}" not in databases
        assert f"demo_{YOUNG[4:]}" in databases
        await _drop_young(stack)  # only this test's own young run, never someone else's

    asyncio.run(scenario())
