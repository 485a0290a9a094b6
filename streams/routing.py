"""The route agent: applies the router log with the pure core, writes to the outbox.

It is thin: decode, call the domain, emit. It consumes the
single-partition router log, so one worker at a time owns the router state (its
Faust tables) and office capacity holds globally, across partitions and workers.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import faust

from contracts.errors import ContractError
from contracts.registry import dead_letter_for, parse_event, to_bytes
from contracts.topics import office_topic
from router import Policy
from router.effects import Decided, Effect, Refused, StateChanged
from router.engine import RouterCore

from . import codecs, faust_fixes, metrics, outbox
from .config import Settings
from .logs import get_logger
from .outputs import Cause, render
from .translate import to_input

log = get_logger(__name__)

ROUTER_TYPES = frozenset({
    "request.submitted", "request.cancelled", "fulfilment.accepted", "fulfilment.rejected",
    "fulfilment.awaiting_inquiry", "fulfilment.fulfilled", "inquiry.answered",
    "licence.issued", "licence.amended", "licence.suspended", "licence.reinstated",
    "licence.revoked", "catalog.service_defined", "clock.ticked",
})


class RouterAgent:
    """Owns the router core over the Faust tables, and the topics it writes to."""

    def __init__(self, app: faust.App, settings: Settings,
                 tables: dict[str, Any], policy: Policy, outbox_topic: Any) -> None:
        self.app = app
        self.outbox_topic = outbox_topic
        self.settings = settings
        self.policy = policy
        self.requests = codecs.CodecMapping(tables["requests"], codecs.encode_record,
                                            codecs.decode_record, cache=False)
        self.loads = codecs.CodecMapping(tables["loads"], codecs.encode_int, codecs.decode_int)
        self.licences = codecs.CodecMapping(tables["licences"], codecs.encode_licence,
                                            codecs.decode_licence)
        self.services = codecs.CodecMapping(tables["services"], codecs.encode_service,
                                            codecs.decode_service)
        self.clock = codecs.CodecMapping(tables["clock"], codecs.encode_time, codecs.decode_time)
        self.views: list[codecs.CodecMapping[Any]] = [
            self.requests, self.loads, self.licences, self.services, self.clock,
        ]
        self._core: RouterCore | None = None
        # held while one event is applied: a commit never splits an event (faust_fixes)
        self.barrier = faust_fixes.commit_barrier(app)
        self._generation = 0
        self.processed = 0
        self.last_processed_at: float | None = None

    # -- state ---------------------------------------------------------------------

    def invalidate(self) -> None:
        """Partitions moved: rebuild the caches from the (recovered) tables before use."""
        self._core = None
        self._generation += 1

    async def core(self) -> RouterCore:
        while self._core is None:
            generation = self._generation
            for view in self.views:
                view.clear_cache()
            core = RouterCore(
                requests=self.requests, loads=self.loads, licences=self.licences,
                services=self.services, clock=self.clock, policy=self.policy,
                max_attempts=self.settings.max_attempts,
            )
            started = time.perf_counter()
            # Rebuilding a million open requests takes seconds of CPU. Off the event loop,
            # the worker's consumers keep heartbeating; on it, every group membership of
            # the worker expired and all of them had to rejoin (bench/memory_worker.py).
            # The tables do not change meanwhile: this agent is their only writer.
            await asyncio.get_running_loop().run_in_executor(None, core.rebuild)
            if generation != self._generation:
                continue  # the partitions moved again during the rebuild
            self._core = core
            log.info("router state rebuilt", offices=len(core.registry),
                     services=len(core.catalog), deadlines=len(core.deadlines),
                     seconds=round(time.perf_counter() - started, 3))
        return self._core

    # -- routing -------------------------------------------------------------------

    async def process(self, stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            await self.apply(event.value, message.topic, message.partition, message.offset,
                             message.key)

    async def apply(self, raw: bytes, topic: str, partition: int, offset: int,
                    key: bytes | None) -> None:
        key_text = key.decode("utf-8", "replace") if key else None
        try:
            envelope = parse_event(raw, allowed_types=ROUTER_TYPES)
        except ContractError as error:  # only a producer bypassing ingest can cause this
            letter = dead_letter_for(raw, error, topic=topic, partition=partition, offset=offset,
                                     key=key_text, at=datetime.now().astimezone())
            async with self.barrier:
                await self._send(key_text or "?", [outbox.deliver(
                    self.settings.topic("deadletter"), (key_text or "?").encode(),
                    to_bytes(letter),
                )])
            return
        cause = Cause(str(envelope.event_id), raw, topic, partition, offset, key_text,
                      envelope.occurred_at)
        core = await self.core()
        async with self.barrier:  # the table writes and the outbox record, in one transaction
            self.barrier.dirty = True  # from the first table write on, even if handle fails
            started = time.perf_counter()
            effects = core.handle(to_input(envelope), at=envelope.occurred_at)
            metrics.DECISION_SECONDS.observe(time.perf_counter() - started)
            outgoing, offices = render(effects, cause, self.settings.topic_prefix)
            prefix = self.settings.topic_prefix
            frames = [outbox.open_topic(office_topic(office, prefix))
                      for office in sorted(offices)]
            frames += [outbox.deliver(m.topic, m.key.encode(), m.value) for m in outgoing]
            if frames:
                await self._send(key_text or cause.event_id, frames)
        self._observe(effects, envelope)
        self.processed += 1
        self.last_processed_at = time.time()

    async def _send(self, key: str, frames: list[outbox.Frame]) -> Any:
        """One outbox record per applied event, inside its transaction; the relay delivers
        the frames (an office's topic is opened before anything is sent to it)."""
        return await self.outbox_topic.send(key=key.encode(), value=outbox.pack(frames),
                                      headers=[(outbox.FORMAT, outbox.FRAMES_V1)])

    def _observe(self, effects: list[Effect], envelope: Any) -> None:
        core = self._core
        for effect in effects:
            if isinstance(effect, Decided):
                d = effect.decision
                if d.assigned:
                    metrics.ROUTED.labels(office_kind=str(d.office_kind)).inc()
                else:
                    reason = d.exclusions[0].reason.value if d.exclusions else "NO_OFFICE"
                    metrics.UNROUTABLE.labels(reason=reason).inc()
                log.info("routed", request_id=d.request_id, office_id=d.office_id,
                         attempt=d.attempt, outcome=d.outcome.value,
                         policy=d.policy_version)
            elif isinstance(effect, StateChanged):
                metrics.STATE_CHANGES.labels(to_state=effect.to_state.value).inc()
                office = effect.record.office_id
                if office and core is not None:
                    metrics.OFFICE_LOAD.labels(office_id=office).set(core.loads.get(office, 0))
            elif isinstance(effect, Refused):
                metrics.DEAD_LETTERS.labels(reason=effect.reason.value).inc()
                log.warning("event refused", reason=effect.reason.value, security=effect.security,
                            request_id=effect.request_id, office_id=effect.office_id,
                            event_type=envelope.event_type, message=effect.message)
