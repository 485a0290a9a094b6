"""Kafka topics of the project, created from `contracts.topics` (idempotently).

`create_topics()` creates the fixed topics with their declared partitions and config
and reports existing ones whose partition count or cleanup policy differs.
`ensure_topic()` is what streams call for one per-office / per-agency topic.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, for_code

from clients.kafka_security import client_kwargs
from contracts.topics import TopicSpec, fixed_topics, topic_name
from infra.settings import Settings, load_settings

REPLICATION_FACTOR = 1


@dataclass(frozen=True)
class TopicLayout:
    """What the broker says about one topic."""

    name: str
    partitions: int
    config: dict[str, str]


@dataclass
class TopicReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)  # human-readable differences


@contextlib.asynccontextmanager
async def admin_client(
    bootstrap: str | None = None, security: Mapping[str, Any] | None = None
) -> AsyncIterator[AIOKafkaAdminClient]:
    """An admin client; `security` defaults to the GOVROUTE_KAFKA_* variables."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap or load_settings().kafka_bootstrap,
        client_id="govroute-infra",
        request_timeout_ms=15000,
        **(client_kwargs() if security is None else security),
    )
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _create(admin: AIOKafkaAdminClient, topics: list[NewTopic]) -> list[str]:
    """Create `topics`; return the names created now (already existing ones are skipped)."""
    if not topics:
        return []
    response = await admin.create_topics(topics)
    created = []
    for error in response.topic_errors:
        name, code, message = error[0], error[1], error[2] if len(error) > 2 else ""
        if code == 0:
            created.append(name)
        elif code != TopicAlreadyExistsError.errno:
            raise for_code(code)(f"cannot create topic {name}: {message}")
    return created


async def describe(admin: AIOKafkaAdminClient, names: Iterable[str]) -> dict[str, TopicLayout]:
    """Partition count and (non-default) config of each existing topic among `names`."""
    wanted = [n for n in names if n in set(await admin.list_topics())]
    if not wanted:
        return {}
    metadata = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(wanted)}
    resources = [ConfigResource(ConfigResourceType.TOPIC, n) for n in wanted]
    configs: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.resources:
            entries = resource[4]
            configs[resource[3]] = {entry[0]: entry[1] for entry in entries}
    return {n: TopicLayout(n, metadata[n], configs.get(n, {})) for n in wanted}


def _differences(layout: TopicLayout, partitions: int, config: Mapping[str, str]) -> list[str]:
    diffs = []
    if layout.partitions != partitions:
        diffs.append(f"{layout.partitions} partitions, declared {partitions}")
    policy = config.get("cleanup.policy")
    actual_policy = layout.config.get("cleanup.policy")
    if policy is not None and actual_policy is not None and policy != actual_policy:
        diffs.append(f"cleanup.policy={actual_policy}, declared {policy}")
    return diffs


def _new_topic(name: str, partitions: int, config: Mapping[str, str]) -> NewTopic:
    return NewTopic(name, partitions, REPLICATION_FACTOR, topic_configs=dict(config))


async def create_topics(
    settings: Settings | None = None,
    specs: Iterable[TopicSpec] | None = None,
    *,
    bootstrap: str | None = None,
    security: Mapping[str, Any] | None = None,
) -> TopicReport:
    """Create the fixed topics (prefixed) that are missing; report the ones that differ.

    On `settings.kafka_bootstrap` unless `bootstrap` is given; `security` as `admin_client`.
    """
    settings = settings or load_settings()
    wanted = {topic_name(s.name, settings.topic_prefix): s for s in (specs or fixed_topics())}
    report = TopicReport()
    async with admin_client(bootstrap or settings.kafka_bootstrap, security) as admin:
        layouts = await describe(admin, wanted)
        for name, layout in sorted(layouts.items()):
            report.existing.append(name)
            spec = wanted[name]
            report.mismatched += [
                f"{name}: {d}" for d in _differences(layout, spec.partitions, spec.kafka_config())
            ]
        missing = [
            _new_topic(n, s.partitions, s.kafka_config())
            for n, s in wanted.items()
            if n not in layouts
        ]
        report.created = sorted(await _create(admin, missing))
    return report


async def ensure_topic(
    name: str,
    partitions: int,
    config: Mapping[str, str] | None = None,
    *,
    bootstrap: str | None = None,
    admin: AIOKafkaAdminClient | None = None,
    security: Mapping[str, Any] | None = None,
) -> bool:
    """Create topic `name` (full name, prefix included) unless it exists; True if created now.

    Safe to call concurrently and repeatedly. Pass an open `admin` client to reuse it.
    """
    topic = _new_topic(name, partitions, config or {})
    if admin is not None:
        return bool(await _create(admin, [topic]))
    async with admin_client(bootstrap, security) as own:
        return bool(await _create(own, [topic]))
