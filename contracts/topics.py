"""The project's topics, declared once.

`infra` creates them from this list, the AsyncAPI document describes them from it,
and `streams` names them through it. Names here carry no prefix; the runtime
prefix (``GOVROUTE_TOPIC_PREFIX``, default ``govroute``) is added by `topic_name`.

The router's outputs (decisions, request-state, its dead letters, the per-office and
per-agency families) reach their topics through the router outbox and its relay, which
commit them exactly once (see streams/relay.py). The outbox shares the router log's
single partition, so Faust commits it in the router log's transaction. The router is a
single writer; its audit topics (decisions, request-state, deadletter) keep one
partition, a total order that replay and the sink rely on.

Per-office assignment streams and per-agency inquiry streams are *families*: one
topic per office / agency, created when the office's licence is first seen (or the
agency's first inquiry), named by `office_topic` / `agency_inquiry_topic`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Cleanup = Literal["delete", "compact"]


@dataclass(frozen=True)
class TopicSpec:
    """One topic: its name (unprefixed), partitions, cleanup policy and meaning."""

    name: str
    partitions: int
    cleanup: Cleanup
    key: str
    messages: tuple[str, ...]
    publishers: tuple[str, ...]
    consumers: tuple[str, ...]
    description: str
    retention_ms: int = -1  # keep forever by default: ops replay months later
    family: bool = False  # True: a template for per-office / per-agency topics
    config: dict[str, str] = field(default_factory=dict)

    def kafka_config(self) -> dict[str, str]:
        cfg: dict[str, str] = {"cleanup.policy": self.cleanup}
        if self.cleanup == "delete":
            cfg["retention.ms"] = str(self.retention_ms)
        cfg.update(self.config)
        return cfg


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        name="catalog",
        partitions=1,
        cleanup="compact",
        key="service code",
        messages=("catalog.service_defined",),
        publishers=("agencies",),
        consumers=("router",),
        description="The service catalog: the current definition of each service.",
    ),
    TopicSpec(
        name="licences",
        partitions=1,
        cleanup="delete",
        key="office id",
        messages=(
            "licence.issued",
            "licence.amended",
            "licence.suspended",
            "licence.reinstated",
            "licence.revoked",
        ),
        publishers=("regulator",),
        consumers=("router", "ops"),
        description="The regulator's licence lifecycle events, kept forever and applied in order.",
    ),
    TopicSpec(
        name="requests",
        partitions=6,
        cleanup="delete",
        key="request id",
        messages=("request.submitted", "request.cancelled"),
        publishers=("intake",),
        consumers=("router", "ops"),
        description="Citizens' requests (and their cancellations) from intake systems.",
    ),
    TopicSpec(
        name="fulfilment",
        partitions=6,
        cleanup="delete",
        key="request id",
        messages=(
            "fulfilment.accepted",
            "fulfilment.rejected",
            "fulfilment.awaiting_inquiry",
            "fulfilment.fulfilled",
        ),
        publishers=("offices",),
        consumers=("router", "ops"),
        description="What offices report about the requests assigned to them.",
    ),
    TopicSpec(
        name="inquiry-results",
        partitions=6,
        cleanup="delete",
        key="request id",
        messages=("inquiry.answered",),
        publishers=("agencies",),
        consumers=("router", "ops"),
        description="Answers of agencies to inter-agency inquiries.",
    ),
    TopicSpec(
        name="router-log",
        partitions=1,
        cleanup="delete",
        key="request id, office id or service code",
        messages=(
            "request.submitted",
            "request.cancelled",
            "fulfilment.accepted",
            "fulfilment.rejected",
            "fulfilment.awaiting_inquiry",
            "fulfilment.fulfilled",
            "inquiry.answered",
            "licence.issued",
            "licence.amended",
            "licence.suspended",
            "licence.reinstated",
            "licence.revoked",
            "catalog.service_defined",
            "clock.ticked",
        ),
        publishers=("router",),
        consumers=("router", "ops"),
        description=(
            "The router's sequenced input: every validated event that can change a routing "
            "decision, in the one total order in which the router applied it."
        ),
    ),
    TopicSpec(
        name="router-outbox",
        partitions=1,
        cleanup="delete",
        key="the output's own key",
        messages=(
            "routing.decided",
            "request.state_changed",
            "assignment.made",
            "assignment.withdrawn",
            "inquiry.requested",
            "deadletter.recorded",
        ),
        publishers=("router",),
        consumers=("router",),
        description=(
            "The router's outputs, written in the same Kafka transaction as its state and "
            "input offsets; a relay moves them, again transactionally, to the topics named "
            "in their 'destination' header."
        ),
        retention_ms=7 * 24 * 3600 * 1000,
    ),
    TopicSpec(
        name="decisions",
        partitions=1,
        cleanup="delete",
        key="request id",
        messages=("routing.decided",),
        publishers=("router",),
        consumers=("ops",),
        description="Every routing decision with its full explanation.",
    ),
    TopicSpec(
        name="request-state",
        partitions=1,
        cleanup="delete",
        key="request id",
        messages=("request.state_changed",),
        publishers=("router",),
        consumers=("ops", "intake"),
        description="Every change of a request's fulfilment state.",
    ),
    TopicSpec(
        name="deadletter",
        partitions=1,
        cleanup="delete",
        key="source key or event id",
        messages=("deadletter.recorded",),
        publishers=("router",),
        consumers=("ops",),
        description="Input that was refused, with a machine-readable reason code.",
    ),
    TopicSpec(
        name="office.{office_id}.assignments",
        partitions=1,
        cleanup="delete",
        key="request id",
        messages=("assignment.made", "assignment.withdrawn"),
        publishers=("router",),
        consumers=("the office named in the topic",),
        description="One office's own assignment stream; only that office may read it.",
        family=True,
    ),
    TopicSpec(
        name="agency.{agency}.inquiries",
        partitions=1,
        cleanup="delete",
        key="request id",
        messages=("inquiry.requested",),
        publishers=("router",),
        consumers=("the agency named in the topic",),
        description="Inquiries addressed to one answering agency.",
        family=True,
    ),
)

DEFAULT_PREFIX = "govroute"


def topic_name(name: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The full topic name for an unprefixed name from `TOPICS`."""
    return f"{prefix}.{name}" if prefix else name


def office_topic(office_id: str, prefix: str = DEFAULT_PREFIX) -> str:
    return topic_name(f"office.{office_id}.assignments", prefix)


def agency_inquiry_topic(agency: str, prefix: str = DEFAULT_PREFIX) -> str:
    return topic_name(f"agency.{agency}.inquiries", prefix)


def spec(name: str) -> TopicSpec:
    for topic in TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)


def fixed_topics() -> tuple[TopicSpec, ...]:
    """Topics created up front (families are created per office / agency)."""
    return tuple(t for t in TOPICS if not t.family)
