"""The router core: applies sequenced events to request, load and licence state.

It is a deterministic state machine over the router log. Its durable state lives in
four mappings handed in by the caller (Faust tables in the worker, dicts in tests);
the office registry, the catalog and the deadline heap are derived caches that
`rebuild` recreates from them. `handle` returns the effects an event implies and
never does I/O or reads a clock: `at` is the event's own time, and the router's
notion of "now" advances only with clock ticks, so a replay reproduces every decision.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from router.catalog import Catalog, Service
from router.commands import IssueLicence, RevokeLicence, SuspendLicence
from router.deadlines import Deadline, DeadlineKind, Deadlines
from router.decision import Decision
from router.effects import (
    AssignmentIssued,
    AssignmentWithdrawn,
    Decided,
    Effect,
    InquiryIssued,
    OfficeOpened,
    Refused,
    StateChanged,
)
from router.exceptions import IllegalLicenceTransition, InvalidLicence, UnknownOffice
from router.fulfilment import TRANSITIONS, check_report
from router.inputs import (
    Cancelled,
    Input,
    InquiryAnswered,
    LicenceChanged,
    Report,
    ServiceDefined,
    Submitted,
    Ticked,
)
from router.licences import Licence, LicenceStatus
from router.policy import Policy
from router.reasons import ExclusionReason
from router.records import InquiryStatus, RequestRecord
from router.registry import OfficeRegistry
from router.requests import RoutingRequest
from router.routing import decide
from router.states import FINAL, HELD, RefusalReason, RequestState

S = RequestState
Effects = list[Effect]


def inquiry_id(request_id: str, attempt: int, kind: str, round_: int = 0) -> str:
    """Derived from the business key; an inquiry asked again (`round_` > 0) gets a new id."""
    key = f"{request_id}:{attempt}:{kind}" + (f":{round_}" if round_ else "")
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"INQ-{digest[:20]}"


def unroutable_reason(decision: Decision) -> str:
    """`NO_ELIGIBLE_OFFICE` plus the exclusion reasons by count, most common first."""
    counts = Counter(e.reason.value for e in decision.exclusions)
    if not counts:
        return "NO_OFFICE_LICENSED_NEARBY"
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "NO_ELIGIBLE_OFFICE: " + ", ".join(f"{reason} x{n}" for reason, n in ranked)


@dataclass
class RouterCore:
    requests: MutableMapping[str, RequestRecord]
    loads: MutableMapping[str, int]
    licences: MutableMapping[str, Licence]
    services: MutableMapping[str, Service]
    clock: MutableMapping[str, datetime]
    policy: Policy
    max_attempts: int = 3
    registry: OfficeRegistry = field(default_factory=OfficeRegistry)
    catalog: Catalog = field(default_factory=Catalog)
    deadlines: Deadlines = field(default_factory=Deadlines)

    # -- derived state -------------------------------------------------------------

    def rebuild(self) -> None:
        """Recreate the registry, catalog and deadlines from the durable mappings."""
        self.registry = OfficeRegistry()
        for licence in self.licences.values():
            for command in _commands_recreating(licence):
                self.registry.apply(command)
        self.catalog = Catalog(dict(self.services.items()))
        self.deadlines.rebuild(r for r in self.requests.values() if r.state not in FINAL)

    def _now(self, at: datetime) -> datetime:
        """The router's time: the last clock tick, or the event's own time before any tick."""
        return self.clock.get("now") or at

    # -- dispatch ------------------------------------------------------------------

    def handle(self, event: Input, at: datetime) -> Effects:
        match event:
            case Submitted():
                return self._submitted(event, self._now(at))
            case Report():
                return self._report(event, self._now(at))
            case InquiryAnswered():
                return self._answered(event, self._now(at))
            case Cancelled():
                return self._cancelled(event, self._now(at))
            case Ticked():
                return self._ticked(event)
            case LicenceChanged():
                return self._licence(event)
            case ServiceDefined():
                self.services[event.service.code] = event.service
                self.catalog = self.catalog.define(event.service)
                return []
        raise TypeError(f"not a router input: {event!r}")  # pragma: no cover

    # -- requests ------------------------------------------------------------------

    def _submitted(self, event: Submitted, now: datetime) -> Effects:
        rid = event.request_id
        existing = self.requests.get(rid)
        if existing is not None:
            reason = (RefusalReason.DUPLICATE_EVENT if existing.has_applied(event.event_id)
                      else RefusalReason.DUPLICATE_REQUEST)
            return [Refused(reason, f"request {rid} was already received", rid)]
        if event.service_code not in self.catalog:
            return [Refused(RefusalReason.UNKNOWN_SERVICE,
                            f"service {event.service_code} is not in the catalog", rid)]
        record = RequestRecord(
            request_id=rid, service_code=event.service_code, region=event.region,
            citizen_national_id=event.citizen_national_id, channel=event.channel,
            preferred_office=event.preferred_office, submitted_at=event.submitted_at,
            state=S.RECEIVED, seq=1, applied=(event.event_id,),
        )
        effects: Effects = [StateChanged(record, None, S.RECEIVED, None, now)]
        self._save(self._route(record, now, effects))
        return effects

    def _cancelled(self, event: Cancelled, now: datetime) -> Effects:
        record = self.requests.get(event.request_id)
        refusal = _refuse_plain(record, event.event_id, event.request_id)
        if refusal is not None:
            return [refusal]
        assert record is not None
        effects: Effects = []
        record = self._leave_office(record, "cancelled", now, effects)
        record = self._move(record.remember(event.event_id), S.CANCELLED,
                            f"{event.by}: {event.reason}", now, effects)
        self._save(record)
        return effects

    def _report(self, report: Report, now: datetime) -> Effects:
        record = self.requests.get(report.request_id)
        if record is None:
            return [Refused(RefusalReason.UNKNOWN_REQUEST,
                            f"request {report.request_id} is unknown", report.request_id,
                            report.office_id)]
        refusal = check_report(record, report, self.registry)
        if refusal is not None:
            return [refusal]
        effects: Effects = []
        record = record.remember(report.event_id)
        if report.kind == "accepted":
            record = self._accepted(record, now, effects)
        elif report.kind == "rejected":
            record = self._leave_office(record, None, now, effects)
            record = self._move(record, S.REJECTED, report.reason, now, effects)
            record = record.exclude(report.office_id, ExclusionReason.PREVIOUSLY_REJECTED)
            record = self._route(record, now, effects)
        elif report.kind == "awaiting_inquiry":
            refused = self._unknown_kinds(record, report)
            if refused is not None:
                return [refused]
            record = self._ask(record, report.inquiries, now, effects)
        else:
            _, target = TRANSITIONS[report.kind]
            record = self._leave_office(record, None, now, effects)
            record = self._move(record, target, None, now, effects)
        self._save(record)
        return effects

    def _accepted(self, record: RequestRecord, now: datetime, effects: Effects) -> RequestRecord:
        service = self.catalog.require(record.service_code)
        record = replace(record, fulfil_by=now + service.fulfilment_sla)
        record = self._move(record, S.ACCEPTED, None, now, effects)
        kinds = tuple(i.kind for i in service.inquiries)
        return self._ask(record, kinds, now, effects) if kinds else record

    def _unknown_kinds(self, record: RequestRecord, report: Report) -> Refused | None:
        if not report.inquiries:  # else the request would wait on nothing, forever
            return Refused(RefusalReason.UNKNOWN_INQUIRY, "the report names no inquiry to await",
                           record.request_id, report.office_id)
        known = {i.kind for i in self.catalog.require(record.service_code).inquiries}
        unknown = sorted(set(report.inquiries) - known)
        if not unknown:
            return None
        return Refused(RefusalReason.UNKNOWN_INQUIRY,
                       f"service {record.service_code} declares no inquiry {', '.join(unknown)}",
                       record.request_id, report.office_id)

    def _ask(self, record: RequestRecord, kinds: tuple[str, ...], now: datetime,
             effects: Effects) -> RequestRecord:
        service = self.catalog.require(record.service_code)
        agencies = {i.kind: i.agency for i in service.inquiries}
        asked = {i.kind for i in record.inquiries if i.outcome is None}
        rounds = Counter(i.kind for i in record.inquiries)  # answered ones are kept as history
        new = tuple(
            InquiryStatus(inquiry_id(record.request_id, record.attempt, kind, rounds[kind]),
                          kind, agencies[kind], now + service.inquiry_sla)
            for kind in sorted(set(kinds) - asked)
        )
        record = replace(record, inquiries=record.inquiries + new)
        for inquiry in new:
            effects.append(InquiryIssued(record.request_id, inquiry.inquiry_id, inquiry.kind,
                                         inquiry.agency, record.citizen_national_id,
                                         inquiry.due_by, now))
        reason = "INQUIRIES: " + ", ".join(sorted(set(kinds)))
        return self._move(record, S.AWAITING_INQUIRY, reason, now, effects)

    def _answered(self, event: InquiryAnswered, now: datetime) -> Effects:
        rid = event.request_id
        record = self.requests.get(rid)
        if record is None:
            return [Refused(RefusalReason.UNKNOWN_REQUEST, f"request {rid} is unknown", rid)]
        inquiry = record.inquiry(event.inquiry_id)
        if inquiry is None:
            return [Refused(RefusalReason.UNKNOWN_INQUIRY,
                            f"request {rid} has no inquiry {event.inquiry_id}", rid)]
        if inquiry.outcome is not None or record.has_applied(event.event_id):
            return [Refused(RefusalReason.DUPLICATE_EVENT,
                            f"inquiry {event.inquiry_id} was already answered", rid)]
        if event.kind != inquiry.kind:
            return [Refused(RefusalReason.UNKNOWN_INQUIRY, f"inquiry {event.inquiry_id} is a "
                            f"{inquiry.kind} inquiry, not {event.kind}", rid)]
        if record.state != S.AWAITING_INQUIRY:
            return [Refused(RefusalReason.ILLEGAL_TRANSITION,
                            f"request {rid} is {record.state}, not awaiting an inquiry", rid)]
        outcome = "positive" if event.positive else "negative"
        answered = replace(inquiry, outcome=outcome)
        record = replace(record.remember(event.event_id), inquiries=tuple(
            answered if i.inquiry_id == inquiry.inquiry_id else i for i in record.inquiries
        ))
        effects: Effects = []
        reason = f"INQUIRY_{outcome.upper()}: {event.kind}"
        if not event.positive:
            record = self._leave_office(record, "declined", now, effects)
            record = self._move(record, S.DECLINED, reason, now, effects)
        elif all(i.outcome == "positive" for i in record.inquiries):
            record = self._move(record, S.IN_PROGRESS, reason, now, effects)
        else:
            record = self._move(record, S.AWAITING_INQUIRY, reason, now, effects)
        self._save(record)
        return effects

    # -- time ----------------------------------------------------------------------

    def _ticked(self, event: Ticked) -> Effects:
        previous = self.clock.get("now")
        if previous is not None and event.now <= previous:
            return []
        self.clock["now"] = event.now
        effects: Effects = []
        for deadline in list(self.deadlines.due(event.now)):
            self._expire(deadline, event.now, effects)
        return effects

    def _expire(self, deadline: Deadline, now: datetime, effects: Effects) -> None:
        record = self.requests.get(deadline.request_id)
        if record is None or record.attempt != deadline.attempt or record.state in FINAL:
            return
        if deadline.kind == DeadlineKind.ACCEPT:
            if record.state != S.ASSIGNED or record.accept_by != deadline.due:
                return
            assert record.office_id is not None
            office = record.office_id
            record = self._leave_office(record, "acceptance_timeout", now, effects)
            record = self._move(record, S.TIMED_OUT, "ACCEPTANCE_SLA_EXPIRED", now, effects)
            record = record.exclude(office, ExclusionReason.PREVIOUSLY_TIMED_OUT)
            self._save(self._route(record, now, effects))
        elif deadline.kind == DeadlineKind.FULFIL:
            if record.state not in HELD or record.sla_breached or record.fulfil_by != deadline.due:
                return
            record = replace(record, sla_breached=True)
            self._save(self._move(record, record.state, "FULFILMENT_SLA_BREACHED", now, effects))
        else:
            inquiry = record.inquiry(deadline.ref)
            if (record.state != S.AWAITING_INQUIRY or inquiry is None or inquiry.outcome
                    or inquiry.due_by != deadline.due):
                return
            record = self._leave_office(record, "escalated", now, effects)
            self._save(self._move(record, S.ESCALATED, f"INQUIRY_TIMED_OUT: {inquiry.kind}",
                                  now, effects))

    # -- licences ------------------------------------------------------------------

    def _licence(self, event: LicenceChanged) -> Effects:
        office = event.command.office_id
        try:
            licence = self.registry.apply(event.command)
        except UnknownOffice:
            return [Refused(RefusalReason.UNKNOWN_OFFICE, f"office {office} holds no licence",
                            office_id=office)]
        except (IllegalLicenceTransition, InvalidLicence) as error:
            return [Refused(RefusalReason.ILLEGAL_TRANSITION, str(error), office_id=office)]
        self.licences[office] = licence
        return [OfficeOpened(office)] if isinstance(event.command, IssueLicence) else []

    # -- building blocks -----------------------------------------------------------

    def _route(self, record: RequestRecord, now: datetime, effects: Effects) -> RequestRecord:
        """Route (again): the next attempt, or escalation when attempts are used up."""
        attempt = record.attempt + 1
        if attempt > self.max_attempts:
            return self._move(record, S.ESCALATED, f"MAX_ATTEMPTS: {self.max_attempts}", now,
                              effects)
        request = RoutingRequest(
            request_id=record.request_id, service_code=record.service_code,
            region=record.region, submitted_at=record.submitted_at,
            preferred_office=record.preferred_office, attempt=attempt,
            excluded=dict(record.excluded),
        )
        decision = decide(request, self.catalog, self.registry, self.loads, self.policy)
        effects.append(Decided(decision, now))
        record = replace(record, attempt=attempt, inquiries=(), fulfil_by=None,
                         sla_breached=False)
        if not decision.assigned:
            record = replace(record, office_id=None, assignment_id=None, accept_by=None)
            return self._move(record, S.UNROUTABLE, unroutable_reason(decision), now, effects)
        assert decision.office_id is not None
        service = self.catalog.require(record.service_code)
        record = replace(record, office_id=decision.office_id,
                         assignment_id=decision.assignment_id,
                         accept_by=now + service.acceptance_sla)
        self.loads[decision.office_id] = self.loads.get(decision.office_id, 0) + 1
        record = self._move(record, S.ASSIGNED, None, now, effects)
        effects.append(AssignmentIssued(record, decision.policy_version, now))
        return record

    def _leave_office(self, record: RequestRecord, withdraw: str | None, now: datetime,
                      effects: Effects) -> RequestRecord:
        """Release the holding office's load; tell it the assignment is withdrawn if asked."""
        office = record.held_by
        if office is None:
            return record
        self.loads[office] = max(0, self.loads.get(office, 0) - 1)
        if withdraw is not None and record.assignment_id is not None:
            effects.append(AssignmentWithdrawn(record.request_id, record.assignment_id, office,
                                               withdraw, now))
        return record

    def _move(self, record: RequestRecord, to: RequestState, reason: str | None,
              now: datetime, effects: Effects) -> RequestRecord:
        moved = replace(record, state=to, seq=record.seq + 1)
        effects.append(StateChanged(moved, record.state, to, reason, now))
        return moved

    def _save(self, record: RequestRecord) -> None:
        self.requests[record.request_id] = record
        if record.state not in FINAL:
            self.deadlines.track(record)


def _refuse_plain(record: RequestRecord | None, event_id: str, rid: str) -> Refused | None:
    if record is None:
        return Refused(RefusalReason.UNKNOWN_REQUEST, f"request {rid} is unknown", rid)
    if record.has_applied(event_id):
        return Refused(RefusalReason.DUPLICATE_EVENT, f"event {event_id} was already applied",
                       rid)
    if record.state in FINAL:
        return Refused(RefusalReason.ILLEGAL_TRANSITION,
                       f"request {rid} is {record.state}, which is final", rid)
    return None


def _commands_recreating(licence: Licence) -> list[Any]:
    issue = IssueLicence(
        office_id=licence.office_id, licence_id=licence.licence_id, kind=licence.kind,
        agency=licence.agency, scope=licence.scope, region=licence.region,
        valid_from=licence.valid_from, valid_to=licence.valid_to, capacity=licence.capacity,
    )
    reason = licence.status_reason or ""
    if licence.status == LicenceStatus.SUSPENDED:
        return [issue, SuspendLicence(licence.office_id, reason)]
    if licence.status == LicenceStatus.REVOKED:
        return [issue, RevokeLicence(licence.office_id, reason)]
    return [issue]
