"""`OfficeClient`: what an office embeds to read its own assignments and report back.

An office reads only its own topic `office.<id>.assignments` (consumer group
`office-<id>`, read_committed) and reports on `fulfilment`, keyed by request id. A
report's event id is derived from (event type, assignment id), so a retried report is a
duplicate the router recognises.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from aiokafka import AIOKafkaConsumer, TopicPartition

from clients.kafka_security import client_kwargs
from clients.producer import EnvelopeProducer
from clients.validation import validate_payload
from contracts.base import ContractModel
from contracts.envelope import Envelope, stable_event_id
from contracts.errors import ContractError
from contracts.events import AssignmentMadeEnvelope, AssignmentWithdrawnEnvelope
from contracts.fulfilment import (
    FulfilmentAccepted,
    FulfilmentAwaitingInquiry,
    FulfilmentFulfilled,
    FulfilmentRejected,
)
from contracts.registry import new_envelope, parse_event
from contracts.topics import DEFAULT_PREFIX, office_topic, spec

TOPIC = "fulfilment"
ASSIGNMENT_TYPES = frozenset(spec("office.{office_id}.assignments").messages)
OfficeEvent = AssignmentMadeEnvelope | AssignmentWithdrawnEnvelope


class AssignmentLike(Protocol):
    """Anything naming an assignment: `AssignmentMade`, `AssignmentRef`."""

    @property
    def request_id(self) -> str: ...
    @property
    def assignment_id(self) -> str: ...
    @property
    def attempt(self) -> int: ...


@dataclass(frozen=True)
class AssignmentRef:
    """The assignment a report is about, as the office was given it."""

    request_id: str
    assignment_id: str
    attempt: int


def report_event_id(event_type: str, assignment_id: str) -> str:
    return stable_event_id(event_type, assignment_id)


def fulfilment_envelope(
    model: type[ContractModel],
    office_id: str,
    assignment: AssignmentLike,
    at: datetime | None = None,
    **fields: Any,
) -> Envelope[Any]:
    """A validated fulfilment report envelope; raises `ContractError` on bad input."""
    payload = validate_payload(
        model,
        {
            "request_id": assignment.request_id,
            "assignment_id": assignment.assignment_id,
            "office_id": office_id,
            "attempt": assignment.attempt,
            **fields,
        },
    )
    event_type = str(getattr(model, "event_type"))  # noqa: B009 - a ClassVar of every payload
    return new_envelope(
        payload,
        producer=f"office-{office_id}",
        occurred_at=at or datetime.now(UTC),
        event_id=report_event_id(event_type, assignment.assignment_id),
    )


class OfficeClient:
    """One office's view of the router: `async with OfficeClient(...) as office:`."""

    def __init__(self, bootstrap: str, prefix: str = DEFAULT_PREFIX, *, office_id: str) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.office_id = office_id
        self.topic = office_topic(office_id, prefix)
        self.group_id = f"office-{office_id}"
        self.invalid = 0  # messages on the office topic that broke the contract (skipped)
        self._out = EnvelopeProducer(bootstrap, prefix, client_id=f"govroute-{self.group_id}")

    async def __aenter__(self) -> Self:
        await self._out.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._out.__aexit__(exc_type, exc, tb)

    async def assignments(
        self,
        *,
        from_committed: bool = True,
        from_time: datetime | None = None,
        idle_timeout: float | None = None,
        commit: bool = True,
    ) -> AsyncGenerator[OfficeEvent, None]:
        """Assignments made and withdrawn on this office's topic, in order.

        Starts at the group's committed offset (or the beginning when none is committed,
        or when `from_committed` is False), or at `from_time`. Ends after `idle_timeout`
        seconds without a message (never, when None). With `commit`, the offset of a
        message is committed once the caller asks for the next one (at least once).
        """
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group_id,
            client_id=f"govroute-{self.group_id}",
            isolation_level="read_committed",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **client_kwargs(),
        )
        await consumer.start()
        try:
            await self._position(consumer, from_committed, from_time)
            async for event in self._read(consumer, idle_timeout, commit):
                yield event
        finally:
            await consumer.stop()

    async def _position(
        self, consumer: AIOKafkaConsumer, from_committed: bool, from_time: datetime | None
    ) -> None:
        if self.topic not in await consumer.topics():
            raise LookupError(  # on a secure broker, unauthorised topics are not listed
                f"topic {self.topic} does not exist (no licence seen yet?) "
                "or this principal may not read it"
            )
        partitions = await self._out.partitions_for(self.topic)
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        if from_time is not None:
            await self._seek_time(consumer, tps, from_time)
            return
        for tp in tps:
            committed = await consumer.committed(tp) if from_committed else None
            if committed is None:
                await consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, committed)

    @staticmethod
    async def _seek_time(
        consumer: AIOKafkaConsumer, tps: Sequence[TopicPartition], moment: datetime
    ) -> None:
        millis = int(moment.timestamp() * 1000)
        found = await consumer.offsets_for_times({tp: millis for tp in tps})
        ends = await consumer.end_offsets(list(tps))
        for tp in tps:
            hit = found.get(tp)
            consumer.seek(tp, hit.offset if hit is not None else ends[tp])

    async def _read(
        self, consumer: AIOKafkaConsumer, idle_timeout: float | None, commit: bool
    ) -> AsyncIterator[OfficeEvent]:
        wait_ms = 500 if idle_timeout is None else max(1, int(min(idle_timeout, 0.5) * 1000))
        loop = asyncio.get_running_loop()
        last_seen = loop.time()
        while idle_timeout is None or loop.time() - last_seen < idle_timeout:
            batch = await consumer.getmany(timeout_ms=wait_ms)
            for tp, records in batch.items():
                for record in records:
                    last_seen = loop.time()
                    event = self._parse(record.value)
                    if event is not None:
                        yield event
                    if commit:
                        await consumer.commit({tp: record.offset + 1})

    def _parse(self, raw: bytes | None) -> OfficeEvent | None:
        try:
            event = parse_event(raw or b"", allowed_types=ASSIGNMENT_TYPES)
        except ContractError:
            self.invalid += 1
            return None
        assert isinstance(event, AssignmentMadeEnvelope | AssignmentWithdrawnEnvelope)
        return event

    async def _report(
        self,
        model: type[ContractModel],
        assignment: AssignmentLike,
        at: datetime | None,
        **fields: Any,
    ) -> str:
        envelope = fulfilment_envelope(model, self.office_id, assignment, at, **fields)
        return await self._out.send(TOPIC, assignment.request_id, envelope)

    async def accept(self, assignment: AssignmentLike, *, at: datetime | None = None) -> str:
        """Report `fulfilment.accepted`; returns the event id."""
        return await self._report(FulfilmentAccepted, assignment, at)

    async def reject(
        self, assignment: AssignmentLike, reason: str, note: str = "", *, at: datetime | None = None
    ) -> str:
        """Report `fulfilment.rejected` with a CAPITALS reason code and a note."""
        return await self._report(FulfilmentRejected, assignment, at, reason=reason, note=note)

    async def awaiting_inquiry(
        self, assignment: AssignmentLike, kinds: Sequence[str], *, at: datetime | None = None
    ) -> str:
        """Report `fulfilment.awaiting_inquiry` for the inquiry kinds awaited."""
        return await self._report(FulfilmentAwaitingInquiry, assignment, at, inquiries=list(kinds))

    async def fulfil(
        self, assignment: AssignmentLike, reference: str, *, at: datetime | None = None
    ) -> str:
        """Report `fulfilment.fulfilled` with the office's delivery reference."""
        return await self._report(FulfilmentFulfilled, assignment, at, reference=reference)
