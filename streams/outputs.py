"""Domain effects to outgoing messages, each with an event id derived from its cause.

Re-applying the same router-log event (after a crash, a rebalance, a replay) yields
the same messages with the same event ids, so every consumer can drop a repeat by
its id: idempotence does not rest on Kafka transactions alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.assignments import AssignmentMade, AssignmentWithdrawn
from contracts.decisions import RoutingDecided
from contracts.envelope import stable_event_id
from contracts.errors import ContractError, DeadLetterReason
from contracts.inquiries import InquiryRequested
from contracts.region import Region as RegionModel
from contracts.registry import dead_letter_for, new_envelope, to_bytes
from contracts.state import RequestStateChanged
from contracts.topics import agency_inquiry_topic, office_topic, topic_name
from router.effects import (
    AssignmentIssued,
    Decided,
    Effect,
    InquiryIssued,
    OfficeOpened,
    Refused,
    StateChanged,
)
from router.effects import AssignmentWithdrawn as Withdrawn

from .logs import mask_national_id

PRODUCER = "router"


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: str
    value: bytes
    event_type: str


@dataclass(frozen=True)
class Cause:
    """The router-log message being applied."""

    event_id: str
    raw: bytes
    topic: str
    partition: int
    offset: int
    key: str | None
    occurred_at: datetime


def render(effects: list[Effect], cause: Cause, prefix: str) -> tuple[list[Outgoing], set[str]]:
    """Messages for the effects, and the per-office topics that must exist first."""
    out: list[Outgoing] = []
    offices: set[str] = set()
    for index, effect in enumerate(effects):
        event_id = stable_event_id(cause.event_id, str(index))
        if isinstance(effect, OfficeOpened):
            offices.add(effect.office_id)
            continue
        topic, key, payload, at = _message(effect, cause, prefix)
        if payload is None:
            continue
        if isinstance(payload, bytes):
            out.append(Outgoing(topic, key, payload, "deadletter.recorded"))
            continue
        envelope = new_envelope(payload, producer=PRODUCER, occurred_at=at, event_id=event_id)
        out.append(Outgoing(topic, key, to_bytes(envelope), envelope.event_type))
    return out, offices


def _message(effect: Effect, cause: Cause, prefix: str) -> tuple[str, str, Any, datetime]:
    match effect:
        case StateChanged():
            return (topic_name("request-state", prefix), effect.record.request_id,
                    state_changed(effect, cause), effect.at)
        case Decided():
            return (topic_name("decisions", prefix), effect.decision.request_id,
                    RoutingDecided.model_validate(decided(effect)), effect.at)
        case AssignmentIssued():
            r = effect.record
            assert r.office_id is not None
            return office_topic(r.office_id, prefix), r.request_id, AssignmentMade(
                assignment_id=r.assignment_id, request_id=r.request_id, attempt=r.attempt,
                office_id=r.office_id, service_code=r.service_code,
                citizen_national_id=r.citizen_national_id,
                region=RegionModel(province=r.region.province, city=r.region.city),
                channel=r.channel, submitted_at=r.submitted_at, assigned_at=effect.at,
                accept_by=r.accept_by, policy_version=effect.policy_version,
            ), effect.at
        case Withdrawn():
            return office_topic(effect.office_id, prefix), effect.request_id, AssignmentWithdrawn(
                assignment_id=effect.assignment_id, request_id=effect.request_id,
                office_id=effect.office_id, reason=effect.reason,
            ), effect.at
        case InquiryIssued():
            return agency_inquiry_topic(effect.agency, prefix), effect.request_id, (
                InquiryRequested(
                    inquiry_id=effect.inquiry_id, request_id=effect.request_id, kind=effect.kind,
                    agency=effect.agency, citizen_national_id=effect.citizen_national_id,
                    due_by=effect.due_by,
                )
            ), effect.at
        case Refused():
            return topic_name("deadletter", prefix), cause.key or cause.event_id, to_bytes(
                refused(effect, cause)
            ), cause.occurred_at
    raise TypeError(f"no message for {effect!r}")  # pragma: no cover


def refused(effect: Refused, cause: Cause) -> Any:
    error = ContractError(DeadLetterReason(effect.reason.value), effect.message)
    return dead_letter_for(
        cause.raw, error, topic=cause.topic, partition=cause.partition, offset=cause.offset,
        key=cause.key, at=cause.occurred_at,
    )


def state_changed(effect: StateChanged, cause: Cause) -> RequestStateChanged:
    r = effect.record
    return RequestStateChanged(
        request_id=r.request_id,
        from_state=None if effect.from_state is None else effect.from_state.value,
        to_state=effect.to_state.value, attempt=r.attempt, office_id=r.office_id,
        cause_event_id=cause.event_id, reason=effect.reason, at=effect.at, seq=r.seq,
        service_code=r.service_code,
        region=RegionModel(province=r.region.province, city=r.region.city), channel=r.channel,
        citizen_masked=mask_national_id(r.citizen_national_id), submitted_at=r.submitted_at,
    )


def decided(effect: Decided) -> dict[str, Any]:
    d = effect.decision.to_dict()
    return {
        "request_id": d["request_id"], "attempt": d["attempt"],
        "assignment_id": d["assignment_id"], "outcome": d["outcome"],
        "office_id": d["office_id"], "office_kind": d["office_kind"],
        "policy_version": d["policy_version"], "decided_at": effect.at,
        "inputs_digest": d["inputs_digest"],
        "explanation": {
            "candidates": d["candidates"], "exclusions": d["exclusions"],
            "preferred": d["preferred"], "widening_would_help": d["widening_would_help"],
        },
    }
