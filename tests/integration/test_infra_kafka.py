"""Produce and consume through the real broker with aiokafka, including transactions."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from infra.topics import ensure_topic

WAIT_S = 30


async def _consume(consumer: AIOKafkaConsumer, count: int) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    async with asyncio.timeout(WAIT_S):
        while len(records) < count:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(part)
    return records


async def _drain(consumer: AIOKafkaConsumer, quiet_ms: int = 1500) -> list[ConsumerRecord]:
    """Everything the consumer can get until it sees nothing for `quiet_ms`."""
    records: list[ConsumerRecord] = []
    while True:
        batch = await consumer.getmany(timeout_ms=quiet_ms)
        if not batch:
            return records
        for part in batch.values():
            records.extend(part)


async def _committed_offset(consumer: AIOKafkaConsumer, tp: TopicPartition) -> int | None:
    """The group's committed offset once the transaction markers are written (async)."""
    for _ in range(WAIT_S * 5):
        offset = await consumer.committed(tp)
        if offset is not None:
            return offset
        await asyncio.sleep(0.2)
    return None


async def test_idempotent_produce_and_group_consume(kafka_bootstrap: str, unique: str) -> None:
    topic = f"test.roundtrip.{unique}"
    await ensure_topic(topic, 3, bootstrap=kafka_bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for i in range(10):
            await producer.send_and_wait(topic, f"v{i}".encode(), key=f"k{i}".encode())
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"g.{unique}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        records = await _consume(consumer, 10)
        await consumer.commit()
        committed = [await consumer.committed(tp) for tp in consumer.assignment()]
    finally:
        await consumer.stop()
    assert sorted(r.value for r in records) == sorted(f"v{i}".encode() for i in range(10))
    assert sum(c or 0 for c in committed) == 10


async def test_transactions_are_read_committed(kafka_bootstrap: str, unique: str) -> None:
    topic = f"test.tx.{unique}"
    await ensure_topic(topic, 1, bootstrap=kafka_bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"tx.{unique}")
    await producer.start()
    try:
        async with producer.transaction():
            await producer.send(topic, b"committed-1", key=b"k")
        await producer.begin_transaction()
        await producer.send(topic, b"aborted", key=b"k")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(topic, b"committed-2", key=b"k")
    finally:
        await producer.stop()

    async def read(isolation: str) -> list[bytes]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            auto_offset_reset="earliest",
            isolation_level=isolation,
        )
        await consumer.start()
        try:
            return [r.value for r in await _drain(consumer)]
        finally:
            await consumer.stop()

    assert await read("read_committed") == [b"committed-1", b"committed-2"]
    assert b"aborted" in await read("read_uncommitted")


async def test_consume_transform_produce_exactly_once(kafka_bootstrap: str, unique: str) -> None:
    source, sink, group = f"test.eos-in.{unique}", f"test.eos-out.{unique}", f"g.eos.{unique}"
    await ensure_topic(source, 1, bootstrap=kafka_bootstrap)
    await ensure_topic(sink, 1, bootstrap=kafka_bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    await producer.send_and_wait(source, b"hello", key=b"r1")
    await producer.stop()

    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    txp = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"eos.{unique}")
    await consumer.start()
    await txp.start()
    try:
        (record,) = await _consume(consumer, 1)
        async with txp.transaction():
            await txp.send(sink, record.value.upper(), key=record.key)
            offsets = {TopicPartition(record.topic, record.partition): record.offset + 1}
            await txp.send_offsets_to_transaction(offsets, group)
        committed = await _committed_offset(consumer, TopicPartition(source, 0))
    finally:
        await txp.stop()
        await consumer.stop()
    assert committed == 1

    reader = AIOKafkaConsumer(
        sink,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    await reader.start()
    try:
        (out,) = await _consume(reader, 1)
    finally:
        await reader.stop()
    assert (out.key, out.value) == (b"r1", b"HELLO")
