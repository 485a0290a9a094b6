"""Helpers for the CLI integration tests: a private topic prefix, reading a topic back."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from infra.settings import Settings
from infra.topics import admin_client, create_topics

WAIT_S = 30


def private_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


async def create_private_topics(stack: Settings, prefix: str) -> None:
    report = await create_topics(replace(stack, topic_prefix=prefix))
    assert not report.mismatched


async def delete_private_topics(bootstrap: str, prefix: str) -> None:
    async with admin_client(bootstrap) as admin:
        names = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        if names:
            await admin.delete_topics(names)


async def read_topic(bootstrap: str, topic: str, count: int) -> list[ConsumerRecord]:
    """The first `count` records of `topic` (all partitions), read_committed."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(WAIT_S):
            while len(records) < count:
                for part in (await consumer.getmany(timeout_ms=500)).values():
                    records.extend(part)
        extra = await consumer.getmany(timeout_ms=1000)  # nothing more should arrive
        for part in extra.values():
            records.extend(part)
    finally:
        await consumer.stop()
    return records
