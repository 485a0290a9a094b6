"""Topics: the fixed ones exist as declared in contracts/topics.py; creation is idempotent."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from contracts.topics import TopicSpec, fixed_topics, office_topic, topic_name
from infra.settings import Settings
from infra.topics import admin_client, create_topics, describe, ensure_topic


async def test_fixed_topics_have_declared_layout(stack: Settings) -> None:
    names = {topic_name(s.name, stack.topic_prefix): s for s in fixed_topics()}
    async with admin_client(stack.kafka_bootstrap) as admin:
        layouts = await describe(admin, names)
    assert set(layouts) == set(names)
    for name, spec in names.items():
        assert layouts[name].partitions == spec.partitions, name
        for key, value in spec.kafka_config().items():
            assert layouts[name].config[key] == value, (name, key)


async def test_create_topics_twice_creates_nothing_new(stack: Settings) -> None:
    report = await create_topics(stack)
    assert report.created == []
    assert report.mismatched == []
    assert len(report.existing) == len(fixed_topics())


async def test_create_topics_reports_differing_partitions(stack: Settings, unique: str) -> None:
    settings = replace(stack, topic_prefix=f"test-{unique}")
    declared = TopicSpec("things", 4, "compact", "k", (), (), (), "a test topic")
    await ensure_topic(
        topic_name("things", settings.topic_prefix),
        2,
        {"cleanup.policy": "delete"},
        bootstrap=stack.kafka_bootstrap,
    )
    report = await create_topics(settings, [declared])
    assert report.created == []
    assert any("2 partitions, declared 4" in m for m in report.mismatched)
    assert any("cleanup.policy=delete, declared compact" in m for m in report.mismatched)


async def test_ensure_topic_is_idempotent_and_concurrent(stack: Settings, unique: str) -> None:
    name = office_topic(f"office-{unique}", stack.topic_prefix)
    results = await asyncio.gather(
        *(
            ensure_topic(name, 1, {"cleanup.policy": "delete"}, bootstrap=stack.kafka_bootstrap)
            for _ in range(3)
        )
    )
    assert results.count(True) <= 1
    assert await ensure_topic(name, 1, bootstrap=stack.kafka_bootstrap) is False
    async with admin_client(stack.kafka_bootstrap) as admin:
        layout = (await describe(admin, [name]))[name]
    assert layout.partitions == 1
    assert layout.config["cleanup.policy"] == "delete"
