"""Valid sample events and hypothesis strategies derived from the generated JSON Schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from contracts.codes import NATIONAL_ID_PATTERN
from contracts.examples import example_envelope
from contracts.json_schemas import event_schema
from contracts.national_id import check_digit


def sample(event_type: str, **payload_changes: Any) -> dict[str, Any]:
    document = example_envelope(event_type)
    document["payload"].update(payload_changes)
    return document


def encode(document: Any) -> bytes:
    """JSON bytes; the standard library also writes integers beyond 64 bits and Infinity."""
    return json.dumps(document, ensure_ascii=False).encode()


def national_ids() -> st.SearchStrategy[str]:
    first_nine = st.text("0123456789", min_size=9, max_size=9)
    ids = first_nine.map(lambda nine: nine + str(check_digit(nine)))
    return ids.filter(lambda value: len(set(value)) > 1)


def timestamps() -> st.SearchStrategy[str]:
    offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
    moments = st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1), timezones=offsets)
    return moments.map(datetime.isoformat)


def regions() -> st.SearchStrategy[dict[str, str]]:
    return st.tuples(st.from_regex(r"[0-9]{2}", fullmatch=True), st.integers(0, 999)).map(
        lambda pair: {"province": pair[0], "city": f"{pair[0]}-{pair[1]:03d}"}
    )


def _later(doc: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    begin = datetime.fromisoformat(doc[start])
    if datetime.fromisoformat(doc[end]) <= begin:
        doc[end] = (begin + timedelta(hours=1)).isoformat()
    return doc


def _licence_issued(doc: dict[str, Any]) -> dict[str, Any]:
    doc["agency"] = "tax-affairs" if doc["kind"] == "agency" else None
    return _later(doc, "valid_from", "valid_to")


def _routing_decided(doc: dict[str, Any]) -> dict[str, Any]:
    chosen = {"assignment_id": "A-1", "office_id": "GEN-00042", "office_kind": "general"}
    for name, value in chosen.items():
        if doc["outcome"] == "unroutable":
            doc[name] = None
        elif doc[name] is None:
            doc[name] = value
    return doc


def _service_defined(doc: dict[str, Any]) -> dict[str, Any]:
    unique = {inquiry["kind"]: inquiry for inquiry in doc.get("inquiries", [])}
    if "inquiries" in doc:
        doc["inquiries"] = list(unique.values())
    return doc


REPAIRS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "LicenceIssued": _licence_issued,
    "LicenceAmended": lambda doc: _later(doc, "valid_from", "valid_to"),
    "AssignmentMade": lambda doc: _later(doc, "assigned_at", "accept_by"),
    "RoutingDecided": _routing_decided,
    "ServiceDefined": _service_defined,
}


def documents(event_type: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid events of one type: every field drawn from its schema, cross-field rules kept."""
    schema = event_schema(event_type)
    return _from_schema(schema, schema["$defs"])


def _from_schema(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name == "Region":
            return regions()
        strategy = _from_schema(defs[name], defs)
        return strategy.map(REPAIRS[name]) if name in REPAIRS else strategy
    if "anyOf" in node:
        return st.one_of([_from_schema(option, defs) for option in node["anyOf"]])
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    return _BY_TYPE[node["type"]](node, defs)


def _string(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[str]:
    if node.get("format") == "date-time":
        return timestamps()
    if node.get("pattern") == NATIONAL_ID_PATTERN:
        return national_ids()
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    return st.text(min_size=node.get("minLength", 0), max_size=min(node.get("maxLength", 30), 30))


def _integer(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[int]:
    low = node.get("minimum", node.get("exclusiveMinimum", -(2**40) - 1) + 1)
    return st.integers(low, node.get("maximum", 2**40))


def _number(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[float]:
    return st.floats(min_value=node.get("minimum"), allow_nan=False, allow_infinity=False)


def _array(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[list[Any]]:
    items = _from_schema(node["items"], defs)
    return st.lists(items, min_size=node.get("minItems", 0), max_size=3)


def _object(node: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(node.get("required", ()))
    fields = {name: _from_schema(sub, defs) for name, sub in node["properties"].items()}
    return st.fixed_dictionaries(
        {name: s for name, s in fields.items() if name in required},
        optional={name: s for name, s in fields.items() if name not in required},
    )


_BY_TYPE: dict[str, Callable[[dict[str, Any], dict[str, Any]], st.SearchStrategy[Any]]] = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": lambda node, defs: st.booleans(),
    "null": lambda node, defs: st.none(),
    "array": _array,
    "object": _object,
}
