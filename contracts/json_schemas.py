"""JSON Schema (draft 2020-12) documents of the events, as data."""

from __future__ import annotations

from typing import Any, Final

from pydantic.json_schema import models_json_schema

from contracts.envelope import SCHEMA_VERSION
from contracts.events import ENVELOPE_BY_TYPE, PAYLOAD_BY_TYPE
from contracts.examples import example_envelope

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(event_type: str) -> str:
    return f"{event_type}.v{SCHEMA_VERSION}.json"


def event_description(event_type: str) -> str:
    doc = (PAYLOAD_BY_TYPE[event_type].__doc__ or "").strip()
    return f"Event {event_type}, schema version {SCHEMA_VERSION}. {doc}"


def event_schema(event_type: str) -> dict[str, Any]:
    """The whole envelope of one event type, with its payload and a valid example."""
    schema = ENVELOPE_BY_TYPE[event_type].model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        "$id": f"urn:govroute:event:{event_type}:v{SCHEMA_VERSION}",
        **schema,
        "description": event_description(event_type),
        "examples": [example_envelope(event_type)],
    }


def component_schemas() -> dict[str, Any]:
    """Every model's schema by name, referencing each other under #/components/schemas."""
    envelopes = sorted(ENVELOPE_BY_TYPE.items())
    _, top = models_json_schema(
        [(cls, "validation") for _, cls in envelopes],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = top["$defs"]
    for event_type, cls in envelopes:
        schemas[cls.__name__]["description"] = event_description(event_type)
    return schemas
