"""The AsyncAPI 3.0.0 document of the whole system, built from `contracts.topics.TOPICS`."""

from __future__ import annotations

import re
from typing import Any, Final

from contracts.envelope import SCHEMA_VERSION
from contracts.events import ENVELOPE_BY_TYPE
from contracts.examples import example_envelope
from contracts.json_schemas import component_schemas, event_description
from contracts.topics import DEFAULT_PREFIX, TOPICS, TopicSpec, topic_name

_PARAMETERS: Final = {
    "office_id": ("The office whose own assignment stream this is.", "GEN-00042"),
    "agency": ("The agency that answers these inquiries.", "civil-registry"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def channel_id(topic: TopicSpec) -> str:
    """``office.{office_id}.assignments`` -> ``office.office_id.assignments``."""
    return topic.name.replace("{", "").replace("}", "")


def build_asyncapi() -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "govroute events",
            "version": f"{SCHEMA_VERSION}.0.0",
            "description": (
                "Events of the neutral, explainable router of citizens' government-service "
                f"requests. Topic addresses carry the default prefix '{DEFAULT_PREFIX}.'; a "
                "deployment may choose another (GOVROUTE_TOPIC_PREFIX). Every message is a "
                "JSON envelope; see docs/contracts.md for reason codes."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": "Placeholder: the Kafka bootstrap servers of a deployment.",
            }
        },
        "channels": {channel_id(topic): _channel(topic) for topic in TOPICS},
        "operations": dict(_operations()),
        "components": {
            "messages": {event_type: _message(event_type) for event_type in ENVELOPE_BY_TYPE},
            "schemas": component_schemas(),
        },
    }


def _channel(topic: TopicSpec) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "address": topic_name(topic.name),
        "title": topic.name,
        "description": f"{topic.description} Kafka key: {topic.key}.",
        "x-kafka-key": topic.key,
        "messages": {
            event_type: {"$ref": f"#/components/messages/{event_type}"}
            for event_type in topic.messages
        },
        "bindings": {"kafka": _kafka_binding(topic)},
    }
    names = _PLACEHOLDER.findall(topic.name)
    if names:
        channel["parameters"] = {name: _parameter(name) for name in names}
    return channel


def _kafka_binding(topic: TopicSpec) -> dict[str, Any]:
    configuration: dict[str, Any] = {"cleanup.policy": [topic.cleanup]}
    if topic.cleanup == "delete":
        configuration["retention.ms"] = topic.retention_ms
    binding: dict[str, Any] = {
        "bindingVersion": "0.5.0",
        "partitions": topic.partitions,
        "topicConfiguration": configuration,
    }
    if not topic.family:
        binding["topic"] = topic_name(topic.name)
    return binding


def _parameter(name: str) -> dict[str, Any]:
    description, example = _PARAMETERS.get(name, (f"The {name} in the topic name.", name))
    return {"description": description, "examples": [example]}


def _operations() -> list[tuple[str, dict[str, Any]]]:
    operations = []
    for topic in TOPICS:
        cid = channel_id(topic)
        messages = [{"$ref": f"#/channels/{cid}/messages/{m}"} for m in topic.messages]
        roles = [("send", r) for r in topic.publishers] + [("receive", r) for r in topic.consumers]
        for action, role in roles:
            verb = "publishes to" if action == "send" else "consumes"
            operations.append(
                (
                    f"{_slug(role)}.{action}.{cid}",
                    {
                        "action": action,
                        "channel": {"$ref": f"#/channels/{cid}"},
                        "messages": messages,
                        "summary": f"{role} {verb} {topic.name}",
                        "tags": [{"name": role}],
                    },
                )
            )
    return operations


def _message(event_type: str) -> dict[str, Any]:
    envelope = ENVELOPE_BY_TYPE[event_type]
    return {
        "name": event_type,
        "title": event_type,
        "summary": event_description(event_type),
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{envelope.__name__}"},
        "examples": [{"name": "valid", "payload": example_envelope(event_type)}],
    }


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
