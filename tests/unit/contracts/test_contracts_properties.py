"""Properties: lossless round trips for every event type; any input parses or is refused."""

from __future__ import annotations

from typing import Any

import pytest
from contract_samples import documents, encode, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.errors import ContractError
from contracts.events import EVENT_TYPES
from contracts.registry import parse_event, to_bytes

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
@FAST
@given(data=st.data())
def test_every_valid_event_round_trips_losslessly(event_type: str, data: st.DataObject) -> None:
    document = data.draw(documents(event_type))
    envelope = parse_event(encode(document))
    assert envelope.event_type == event_type
    raw = to_bytes(envelope)
    again = parse_event(raw)
    assert again == envelope
    assert to_bytes(again) == raw


def test_round_trip_keeps_microseconds_and_writes_utc_with_z() -> None:
    document = sample("clock.ticked", now="2024-05-01T12:00:00.123456+03:30")
    raw = to_bytes(parse_event(encode(document)))
    assert b'"now":"2024-05-01T08:30:00.123456Z"' in raw


def _parses_or_is_refused(raw: bytes) -> None:
    refusal: ContractError | None = None
    try:
        parse_event(raw)
    except ContractError as error:
        refusal = error
    if refusal is not None:
        assert refusal.message
        assert refusal.reason.value == refusal.reason.name


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=256))
def test_random_bytes_parse_or_raise_contract_error(raw: bytes) -> None:
    _parses_or_is_refused(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    paths = [prefix] if prefix else []
    for key, child in children:
        paths.extend(_paths(child, (*prefix, key)))
    return paths


@settings(max_examples=400, deadline=None)
@given(
    event_type=st.sampled_from(sorted(EVENT_TYPES)),
    data=st.data(),
    replacement=json_values,
    delete=st.booleans(),
)
def test_mutated_events_parse_or_raise_contract_error(
    event_type: str, data: st.DataObject, replacement: Any, delete: bool
) -> None:
    document = sample(event_type)
    *parents, last = data.draw(st.sampled_from(_paths(document)))
    container: Any = document
    for key in parents:
        container = container[key]
    if delete:
        del container[last]
    else:
        container[last] = replacement
    _parses_or_is_refused(encode(document))


@settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_any_json_value_parses_or_raises_contract_error(value: Any) -> None:
    _parses_or_is_refused(encode(value))


def test_deeply_nested_input_is_refused_not_crashed() -> None:
    for depth in (200, 5000):
        _parses_or_is_refused(b"[" * depth + b"]" * depth)
        _parses_or_is_refused(b'{"payload":' * depth + b"{}" + b"}" * depth)
