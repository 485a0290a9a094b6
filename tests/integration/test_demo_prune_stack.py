"""`router demo` deletes old demo runs' topics and databases first, and only old ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from demo.resources import prune_runs
from infra.postgres import superuser
from infra.settings import Settings

OLD, YOUNG = "demo20200101000000abcd", f"demo{datetime.now():%Y%m%d%H%M%S}ef01"


@asynccontextmanager
async def _admin(stack: Settings) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _databases(stack: Settings) -> set[str]:
    async with superuser(stack) as conn:
        return {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}


async def _make_runs(stack: Settings) -> None:
    async with _admin(stack) as admin:
        await admin.create_topics([NewTopic(f"{run}.requests", 1, 1) for run in (OLD, YOUNG)])
    async with superuser(stack) as conn:
        for run in (OLD, YOUNG):
            await conn.execute(f'DROP DATABASE IF EXISTS "demo_{run[4:]}"')
            await conn.execute(f'CREATE DATABASE "demo_{run[4:]}"')


async def _drop_young(stack: Settings) -> None:
    async with _admin(stack) as admin:
        await admin.delete_topics([f"{YOUNG}.requests"])
    async with superuser(stack) as conn:
        await conn.execute(f'DROP DATABASE IF EXISTS "demo_{YOUNG[4:]}"')


def test_old_runs_are_pruned_and_a_run_of_the_last_hour_is_kept(stack: Settings) -> None:
    async def scenario() -> None:
        await _make_runs(stack)
        pruned = await prune_runs(stack, timedelta(hours=1))
        assert f"{OLD}.requests" in pruned.topics
        assert f"demo_{OLD[4:]}" in pruned.databases
        assert not any(YOUNG in name for name in pruned.topics + pruned.databases)
        for _ in range(50):  # topic deletion completes asynchronously in the broker
            async with _admin(stack) as admin:
                topics = set(await admin.list_topics())
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
