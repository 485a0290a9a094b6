"""The Postgres sink's loop (streams/sink/consumer.py) on fakes of its consumer and record:
a refused Kafka commit is not a failure, and a failed batch is read again, not the end.

The real thing runs in tests/integration/test_faults_workers.py (freeze) and
test_faults_infra.py (Postgres outage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError

from streams.sink.consumer import PostgresSink
from streams.sink.rows import Batch

TP = TopicPartition("t.request-state", 0)


@dataclass
class Message:
    offset: int
    value: bytes = orjson.dumps({"event_type": "not.recorded"})


@dataclass
class Consumer:
    """aiokafka's consumer as the sink uses it."""

    batches: list[dict[TopicPartition, list[Message]]]
    commit_error: Exception | None = None
    committed: list[dict[TopicPartition, int]] = field(default_factory=list)
    seeks: list[tuple[TopicPartition, int]] = field(default_factory=list)

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[Any, list[Message]]:
        return self.batches.pop(0) if self.batches else {}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.commit_error is not None:
            raise self.commit_error
        self.committed.append(offsets)

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))


@dataclass
class Record:
    """PostgresRecord: batches written, and the positions written with them."""

    fail: Exception | None = None
    written: list[Batch] = field(default_factory=list)

    async def write(self, batch: Batch) -> None:
        if self.fail is not None:
            raise self.fail
        self.written.append(batch)

    async def offsets(self, topics: list[str]) -> dict[tuple[str, int], int]:
        return {(TP.topic, TP.partition): 41}


def sink(consumer: Consumer, record: Record) -> PostgresSink:
    s = PostgresSink("127.0.0.1:1", "postgresql://unused", [TP.topic])
    s.consumer, s.record = consumer, record  # type: ignore[assignment]
    return s


async def test_a_batch_is_written_with_its_position_then_committed_to_kafka() -> None:
    consumer, record = Consumer([{TP: [Message(41), Message(42)]}]), Record()
    s = sink(consumer, record)
    await s._step()
    assert [b.offsets for b in record.written] == [{(TP.topic, 0): 43}]
    assert consumer.committed == [{TP: 43}]
    assert s.failure is None


async def test_a_refused_kafka_commit_after_a_rebalance_is_not_a_failure() -> None:
    consumer = Consumer([{TP: [Message(41)]}, {TP: [Message(42)]}],
                        commit_error=CommitFailedError("the group has already rebalanced"))
    record = Record()
    s = sink(consumer, record)
    await s._step()
    await s._step()  # the loop goes on; Postgres holds the position
    assert [b.offsets for b in record.written] == [{(TP.topic, 0): 42}, {(TP.topic, 0): 43}]
    assert s.failure is None


async def test_a_failed_batch_is_reported_then_read_again_from_the_recorded_position() -> None:
    consumer, record = Consumer([{TP: [Message(41)]}]), Record(fail=ValueError("bad row"))
    s = sink(consumer, record)
    with pytest.raises(ValueError, match="bad row"):
        await s._step()
    assert s.failure is not None
    assert "bad row" in s.failure  # /health: degraded
    await s._rewind()
    assert consumer.seeks == [(TP, 41)]
    record.fail = None
    consumer.batches.append({TP: [Message(41)]})
    await s._step()
    assert s.failure is None
    assert len(record.written) == 1
