"""The checked-in JSON Schemas and AsyncAPI document: current, complete and consistent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts.asyncapi import build_asyncapi, channel_id
from contracts.events import ENVELOPE_BY_TYPE, EVENT_TYPES
from contracts.generate import ASYNCAPI_PATH, SCHEMA_DIR, expected_files, main, render
from contracts.json_schemas import schema_file_name
from contracts.registry import parse_event
from contracts.topics import TOPICS, topic_name

ASYNCAPI: dict[str, Any] = json.loads(ASYNCAPI_PATH.read_text())


def test_checked_in_files_are_exactly_what_generate_writes() -> None:
    expected = expected_files()
    on_disk = {path: path.read_bytes() for path in [*SCHEMA_DIR.glob("*.json"), ASYNCAPI_PATH]}
    assert sorted(on_disk) == sorted(expected)
    for path, content in expected.items():
        assert on_disk[path] == content, f"{path.name} drifted: run python -m contracts.generate"


def test_generate_check_passes_on_the_checked_in_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_generate_check_lists_drifted_files(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = expected_files()
    changed = dict(real)
    changed[ASYNCAPI_PATH] = real[ASYNCAPI_PATH] + b" "
    monkeypatch.setattr("contracts.generate.expected_files", lambda: changed)
    assert main(["--check"]) == 1
    assert "drifted: contracts/asyncapi.json" in capsys.readouterr().out


def test_rendering_is_deterministic_sorted_and_ends_with_a_newline() -> None:
    assert render({"b": 1, "a": [2]}) == b'{\n  "a": [\n    2\n  ],\n  "b": 1\n}\n'
    assert render(build_asyncapi()) == render(build_asyncapi())


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_schema_file_describes_the_whole_envelope_with_a_valid_example(
    event_type: str,
) -> None:
    schema = json.loads((SCHEMA_DIR / schema_file_name(event_type)).read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["event_type"]["const"] == event_type
    assert set(schema["required"]) == set(ENVELOPE_BY_TYPE[event_type].model_fields)
    assert schema["additionalProperties"] is False
    for ref in _refs(schema):
        assert ref.removeprefix("#/$defs/") in schema["$defs"]
    (example,) = schema["examples"]
    assert parse_event(json.dumps(example).encode()).event_type == event_type


def test_every_topic_is_a_channel_at_its_address() -> None:
    channels = ASYNCAPI["channels"]
    assert ASYNCAPI["asyncapi"] == "3.0.0"
    assert sorted(channels) == sorted(channel_id(topic) for topic in TOPICS)
    for topic in TOPICS:
        channel = channels[channel_id(topic)]
        assert channel["address"] == topic_name(topic.name)
        assert topic.key in channel["description"]
        assert sorted(channel["messages"]) == sorted(topic.messages)


def test_topic_families_are_parameterised_channels() -> None:
    families = [topic for topic in TOPICS if topic.family]
    assert families
    for topic in families:
        channel = ASYNCAPI["channels"][channel_id(topic)]
        for name, parameter in channel["parameters"].items():
            assert "{" + name + "}" in channel["address"]
            assert parameter["description"]


def test_every_message_referenced_exists_in_components_with_its_schema() -> None:
    components = ASYNCAPI["components"]
    for ref in _refs(ASYNCAPI):
        _resolve(ASYNCAPI, ref)  # raises KeyError when dangling
    assert sorted(components["messages"]) == sorted(EVENT_TYPES)
    carried = {m for channel in ASYNCAPI["channels"].values() for m in channel["messages"]}
    assert carried == EVENT_TYPES
    for event_type, message in components["messages"].items():
        payload = _resolve(ASYNCAPI, message["payload"]["$ref"])
        assert payload["properties"]["event_type"]["const"] == event_type


def test_operations_say_who_publishes_and_who_consumes_each_topic() -> None:
    operations = ASYNCAPI["operations"].values()
    for topic in TOPICS:
        ref = f"#/channels/{channel_id(topic)}"
        on_topic = [op for op in operations if op["channel"]["$ref"] == ref]
        senders = {op["tags"][0]["name"] for op in on_topic if op["action"] == "send"}
        receivers = {op["tags"][0]["name"] for op in on_topic if op["action"] == "receive"}
        assert (senders, receivers) == (set(topic.publishers), set(topic.consumers))
        for op in on_topic:
            assert all(m["$ref"].startswith(ref + "/messages/") for m in op["messages"])


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_docs_list_every_reason_code() -> None:
    from contracts.decisions import ExclusionReason
    from contracts.errors import DeadLetterReason

    docs = (Path(__file__).parents[3] / "docs" / "contracts.md").read_text()
    for code in [*DeadLetterReason, *ExclusionReason]:
        assert f"`{code.value}`" in docs, code
