"""The commit barrier (streams/faust_fixes.py): a commit never splits an applied event.

Fakes stand in for Faust's producer buffer and transaction manager; the real thing is
exercised by tests/integration/test_faults_workers.py (SIGKILL, freeze).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from streams import faust_fixes


@dataclass
class Buffer:
    """Faust's ProducerBuffer as the barrier sees it: queued messages and one in flight."""

    size: int = 0
    govroute_in_flight: int = 0


@dataclass(frozen=True)
class TP:
    topic: str
    partition: int


@dataclass
class Conf:
    id: str = "govroute-router"


class Assignor:
    def group_for_topic(self, topic: str) -> int:
        return 0


@dataclass
class App:
    """What the barrier reads of a Faust app: its producer buffer, id and assignor."""

    buffer: Buffer = field(default_factory=Buffer)
    conf: Conf = field(default_factory=Conf)
    assignor: Assignor = field(default_factory=Assignor)

    @property
    def producer(self) -> Any:
        return self


@dataclass
class DriverProducer:
    """faust's aiokafka Producer: one transactional producer per transactional id."""

    _transaction_producers: dict[str, object] = field(
        default_factory=lambda: {"govroute-router-0-0": object()})


@dataclass
class Transactions:
    """faust's TransactionManager: its app, its producer, and its transactional ids."""

    app: App
    producer: DriverProducer = field(default_factory=DriverProducer)

    def _tps_to_transactional_ids(self, tps: set[TP]) -> set[str]:
        return {f"{self.app.conf.id}-{self.app.assignor.group_for_topic(tp.topic)}-"
                f"{tp.partition}" for tp in tps}


ROUTER_LOG = TP("router-log", 0)


async def _committed(self: Any, offsets: Any, start_new_transaction: bool = True) -> bool:
    return True


def _dirty_app(monkeypatch: pytest.MonkeyPatch) -> App:
    """An app whose route agent applied events since the last commit; commits succeed."""
    monkeypatch.setattr(faust_fixes, "_transactions_commit", _committed)
    app = App()
    faust_fixes.commit_barrier(app).dirty = True
    return app


async def test_drain_waits_for_queued_and_in_flight_messages() -> None:
    buffer = Buffer(size=2)

    async def producer_task() -> None:
        for _ in range(2):
            await asyncio.sleep(0.01)
            buffer.size -= 1
            buffer.govroute_in_flight = 1  # taken off the queue, not yet with the producer
            await asyncio.sleep(0.01)
            buffer.govroute_in_flight = 0

    task = asyncio.create_task(producer_task())
    await faust_fixes.drain(buffer, timeout=5)
    assert (buffer.size, buffer.govroute_in_flight) == (0, 0)
    assert task.done()


async def test_drain_of_a_stuck_buffer_fails_instead_of_committing() -> None:
    with pytest.raises(TimeoutError, match="not drained"):
        await faust_fixes.drain(Buffer(size=1), timeout=0.05)


async def test_a_commit_waits_for_the_event_being_applied_and_for_its_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = App()
    seen: list[tuple[str, int, int]] = []

    async def committed(self: Any, offsets: Any, start_new_transaction: bool = True) -> bool:
        seen.append(("commit", app.buffer.size, app.buffer.govroute_in_flight))
        return True

    monkeypatch.setattr(faust_fixes, "_transactions_commit", committed)
    barrier = faust_fixes.commit_barrier(app)
    assert faust_fixes.commit_barrier(app) is barrier  # one per app

    queued = asyncio.Event()

    async def apply_event() -> None:
        async with barrier:
            app.buffer.size = 3  # the event's table writes, queued in the buffer
            queued.set()
            seen.append(("applying", app.buffer.size, 0))
            await asyncio.sleep(0.05)
            seen.append(("applied", app.buffer.size, 0))

    async def buffer_task() -> None:
        await queued.wait()
        while app.buffer.size:
            await asyncio.sleep(0.01)
            app.buffer.size -= 1

    agent = asyncio.create_task(apply_event())
    sender = asyncio.create_task(buffer_task())
    await asyncio.sleep(0.01)  # the agent holds the barrier now
    assert await faust_fixes._commit(Transactions(app), {ROUTER_LOG: 1}) is True
    await asyncio.gather(agent, sender)
    assert [s[0] for s in seen] == ["applying", "applied", "commit"]
    assert seen[-1] == ("commit", 0, 0)


async def test_the_buffer_counts_a_message_in_flight_until_the_producer_has_it() -> None:
    release = asyncio.Event()
    buffer = Buffer()

    class Channel:
        async def publish_message(self, fut: Any, wait: bool = False) -> None:
            await release.wait()
            raise RuntimeError("the broker said no")

    @dataclass
    class Message:
        channel: Channel

    @dataclass
    class Future:
        message: Message

    sending = asyncio.create_task(faust_fixes._send_pending(buffer, Future(Message(Channel()))))
    await asyncio.sleep(0.01)
    assert buffer.govroute_in_flight == 1
    release.set()
    with pytest.raises(RuntimeError):
        await sending
    assert buffer.govroute_in_flight == 0


async def test_a_commit_of_held_transactions_leaves_no_uncommitted_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _dirty_app(monkeypatch)
    assert faust_fixes.uncommitted_writes(app)
    await faust_fixes._commit(Transactions(app), {ROUTER_LOG: 5})
    assert not faust_fixes.uncommitted_writes(app)


async def test_writes_stay_uncommitted_when_the_producer_is_gone_or_the_commit_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _dirty_app(monkeypatch)
    # a rebalance stopped the producer: Faust logs "Commit invoked for unknown transaction"
    await faust_fixes._commit(Transactions(app, DriverProducer({})), {ROUTER_LOG: 5})
    assert faust_fixes.uncommitted_writes(app)

    async def refused(self: Any, offsets: Any, start_new_transaction: bool = True) -> bool:
        raise RuntimeError("CommitFailedError")

    monkeypatch.setattr(faust_fixes, "_transactions_commit", refused)
    with pytest.raises(RuntimeError):
        await faust_fixes._commit(Transactions(app), {ROUTER_LOG: 5})
    assert faust_fixes.uncommitted_writes(app)
    assert not faust_fixes.commit_barrier(app).lock.locked()
