"""Simulated offices, agencies and citizens: deterministic reactions in simulated time.

Every choice comes from an RNG seeded with the run's seed and the business key (the
assignment id, the inquiry id, the request id), so a choice does not depend on the
order in which events happen to arrive. Reactions are scheduled at a simulated time and
published by the day loop when the clock reaches them.

Offices: accept (~80%), reject (~8%), ignore (~7%, the acceptance deadline re-routes),
or accept and reject later (~5%, only for services without inquiries). Accepted work is
fulfilled after a simulated delay, once every inquiry came back positive.
Agencies: answer positive (~92%), negative (~5%), or never (~3%).
Citizens: ~1% cancel a few minutes after submitting.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clients.intake import cancelled_event_id
from clients.office import AssignmentRef, fulfilment_envelope
from clients.validation import validate_payload
from contracts.envelope import stable_event_id
from contracts.fulfilment import FulfilmentAccepted, FulfilmentFulfilled, FulfilmentRejected
from contracts.inquiries import InquiryAnswered
from contracts.registry import new_envelope
from contracts.requests import RequestCancelled, RequestSubmitted
from sim.network import Network

from .kafka import Publisher

REJECT_REASONS = ("MISSING_DOCUMENTS", "OFFICE_OVERLOADED", "SERVICE_TEMPORARILY_UNAVAILABLE")


@dataclass(frozen=True)
class Behaviour:
    accept: float = 0.80
    reject: float = 0.08
    ignore: float = 0.07  # the rest (~5%): accept, then reject later
    positive: float = 0.92
    negative: float = 0.05  # the rest (~3%): never answered
    cancel: float = 0.01


@dataclass(order=True)
class Action:
    due: datetime
    seq: int
    kind: str = field(compare=False)
    subject: Any = field(compare=False)


def _minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


class Simulation:
    """The offices', agencies' and citizens' side of the day."""

    def __init__(self, network: Network, seed: int, behaviour: Behaviour | None = None) -> None:
        self.seed = seed
        self.b = behaviour or Behaviour()
        self.inquiries = {s.service_code: len(s.inquiries) for s in network.services}
        self.stamp = network.day_start.strftime("%Y%m%d")
        self._queue: list[Action] = []
        self._seq = itertools.count()
        self.active: dict[str, Any] = {}  # assignment id -> AssignmentMade, while held
        self.awaiting: dict[str, tuple[str, int]] = {}  # request -> (assignment, inquiries)
        self.answers: Counter[str] = Counter()  # positive answers for the current attempt
        self.fulfilled: set[str] = set()
        self.first_assigned_wall: dict[str, float] = {}  # request id -> wall time seen
        self.counts: Counter[str] = Counter()

    def _rng(self, *key: str) -> random.Random:
        return random.Random(":".join((str(self.seed), *key)))

    def _at(self, due: datetime, kind: str, subject: Any) -> None:
        heapq.heappush(self._queue, Action(due, next(self._seq), kind, subject))

    # -- what comes in -------------------------------------------------------------

    def plan_cancellations(self, requests: list[RequestSubmitted]) -> None:
        for request in requests:
            rng = self._rng("citizen", request.request_id)
            if rng.random() < self.b.cancel:
                self._at(request.submitted_at + _minutes(rng.uniform(3, 40)), "cancel",
                         request.request_id)

    def observe(self, seen_wall: float, envelope: Any, now: datetime) -> None:
        payload = envelope.payload
        if envelope.event_type == "assignment.made":
            self.active[payload.assignment_id] = payload
            self.first_assigned_wall.setdefault(payload.request_id, seen_wall)
            self._office_decides(payload, now)
        elif envelope.event_type == "assignment.withdrawn":
            self.active.pop(payload.assignment_id, None)
            self.counts[f"withdrawn:{payload.reason}"] += 1
        elif envelope.event_type == "inquiry.requested":
            self._agency_decides(payload, now)

    def _office_decides(self, assignment: Any, now: datetime) -> None:
        rng = self._rng("office", assignment.assignment_id)
        roll, delay = rng.random(), _minutes(rng.uniform(1, 10))
        b = self.b
        if roll < b.accept:
            self._at(now + delay, "accept", assignment)
        elif roll < b.accept + b.reject:
            self._at(now + delay, "reject", assignment)
        elif roll < b.accept + b.reject + b.ignore:
            self.counts["ignored"] += 1
        else:
            self._at(now + delay, "accept-then-reject", assignment)

    def _agency_decides(self, inquiry: Any, now: datetime) -> None:
        rng = self._rng("agency", inquiry.inquiry_id)
        roll, delay = rng.random(), _minutes(rng.uniform(2, 30))
        if roll < self.b.positive:
            self._at(now + delay, "answer", (inquiry, "positive"))
        elif roll < self.b.positive + self.b.negative:
            self._at(now + delay, "answer", (inquiry, "negative"))
        else:
            self.counts["inquiries_unanswered"] += 1

    # -- what goes out ------------------------------------------------------------

    async def publish_due(self, until: datetime, out: Publisher) -> int:
        """Publish every reaction due before `until`, in simulated-time order."""
        done = 0
        while self._queue and self._queue[0].due < until:
            action = heapq.heappop(self._queue)
            done += await self._perform(action, out)
        return done

    async def _perform(self, action: Action, out: Publisher) -> int:
        kind, at = action.kind, action.due
        if kind == "answer":
            inquiry, outcome = action.subject
            await self._answer(inquiry, outcome, at, out)
            return 1
        if kind == "cancel":
            if action.subject in self.fulfilled:
                return 0
            await self._cancel(action.subject, at, out)
            return 1
        assignment = action.subject
        if assignment.assignment_id not in self.active:  # withdrawn meanwhile
            self.counts[f"{kind}:skipped"] += 1
            return 0
        if kind in ("accept", "accept-then-reject"):
            await self._report(FulfilmentAccepted, assignment, at, out)
            self._accepted(assignment, at, late_reject=kind == "accept-then-reject")
        elif kind in ("reject", "late-reject"):
            rng = self._rng("reason", assignment.assignment_id)
            await self._report(FulfilmentRejected, assignment, at, out,
                               reason=rng.choice(REJECT_REASONS), note="simulated office")
            self.active.pop(assignment.assignment_id, None)
        elif kind == "fulfil":
            reference = f"{assignment.office_id}/{self.stamp}/{assignment.request_id[-6:]}"
            await self._report(FulfilmentFulfilled, assignment, at, out, reference=reference)
            self.active.pop(assignment.assignment_id, None)
            self.fulfilled.add(assignment.request_id)
        self.counts[kind] += 1
        return 1

    def _accepted(self, assignment: Any, at: datetime, *, late_reject: bool) -> None:
        rng = self._rng("work", assignment.assignment_id)
        needed = self.inquiries.get(assignment.service_code, 0)
        if late_reject and not needed:
            self._at(at + _minutes(rng.uniform(10, 60)), "late-reject", assignment)
        elif needed:
            self.awaiting[assignment.request_id] = (assignment.assignment_id, needed)
            self.answers[assignment.request_id] = 0
        else:
            self._at(at + self._work(rng), "fulfil", assignment)

    @staticmethod
    def _work(rng: random.Random) -> timedelta:
        return _minutes(rng.triangular(20, 300, 60))

    async def _answer(self, inquiry: Any, outcome: str, at: datetime, out: Publisher) -> None:
        payload = validate_payload(InquiryAnswered, {
            "inquiry_id": inquiry.inquiry_id, "request_id": inquiry.request_id,
            "kind": inquiry.kind, "agency": inquiry.agency, "outcome": outcome,
            "detail": "simulated agency",
        })
        envelope = new_envelope(payload, producer=f"agency-{inquiry.agency}", occurred_at=at,
                                event_id=stable_event_id("inquiry.answered", inquiry.inquiry_id))
        await out.send("inquiry-results", inquiry.request_id, envelope)
        self.counts[f"answer:{outcome}"] += 1
        rid = inquiry.request_id
        if outcome != "positive" or rid not in self.awaiting:
            self.awaiting.pop(rid, None)
            return
        self.answers[rid] += 1
        assignment_id, needed = self.awaiting[rid]
        assignment = self.active.get(assignment_id)
        if self.answers[rid] >= needed and assignment is not None:
            del self.awaiting[rid]
            self._at(at + self._work(self._rng("work", assignment_id)), "fulfil", assignment)

    async def _cancel(self, request_id: str, at: datetime, out: Publisher) -> None:
        payload = validate_payload(RequestCancelled, {
            "request_id": request_id, "by": "citizen", "reason": "no longer needed",
        })
        envelope = new_envelope(payload, producer="intake-demo", occurred_at=at,
                                event_id=cancelled_event_id(request_id))
        await out.send("requests", request_id, envelope)
        self.counts["cancel"] += 1

    async def _report(self, model: Any, assignment: Any, at: datetime, out: Publisher,
                      **fields: Any) -> None:
        ref = AssignmentRef(assignment.request_id, assignment.assignment_id, assignment.attempt)
        envelope = fulfilment_envelope(model, assignment.office_id, ref, at, **fields)
        await out.send("fulfilment", assignment.request_id, envelope)
