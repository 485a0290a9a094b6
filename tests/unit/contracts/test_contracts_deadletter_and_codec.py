"""Dead-letter events for refused input, and the Faust codec."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from contract_samples import encode, sample

from contracts.deadletter import RAW_EXCERPT_BYTES, DeadLetterRecorded
from contracts.errors import ContractError, DeadLetterReason
from contracts.registry import dead_letter_for, parse_event, to_bytes
from contracts.topics import spec

AT = datetime(2024, 5, 1, 8, 31, tzinfo=UTC)
SOURCE: dict[str, Any] = {
    "topic": "govroute.requests",
    "partition": 2,
    "offset": 1187,
    "key": b"REQ-2024-000123",
}


def refuse(raw: bytes) -> ContractError:
    with pytest.raises(ContractError) as caught:
        parse_event(raw, allowed_types=frozenset(spec("requests").messages))
    return caught.value


def test_a_dead_letter_records_reason_message_source_and_the_raw_input() -> None:
    raw = encode(sample("request.submitted", citizen_national_id="0012345678"))
    error = refuse(raw)
    dead = dead_letter_for(raw, error, **SOURCE, at=AT)
    payload = dead.payload
    assert isinstance(payload, DeadLetterRecorded)
    assert (payload.reason_code, payload.field) == (
        DeadLetterReason.INVALID_NATIONAL_ID,
        "payload.citizen_national_id",
    )
    assert payload.message == error.message
    assert (payload.raw, payload.raw_size) == (raw.decode(), len(raw))
    assert payload.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert payload.source.key == "REQ-2024-000123"
    assert payload.event_id == sample("request.submitted")["event_id"]
    assert dead.correlation_id == "REQ-2024-000123"
    assert (dead.event_type, dead.producer, dead.occurred_at) == (
        "deadletter.recorded",
        "router",
        AT,
    )
    assert parse_event(to_bytes(dead)) == dead


def test_the_same_source_offset_gives_the_same_dead_letter_id() -> None:
    error = refuse(b"nope")
    first = dead_letter_for(b"nope", error, **SOURCE, at=AT)
    again = dead_letter_for(b"nope", error, **SOURCE, at=AT)
    elsewhere = dead_letter_for(b"nope", error, **{**SOURCE, "offset": 1188}, at=AT)
    assert first.event_id == again.event_id != elsewhere.event_id
    assert first.payload.event_id is None


def test_oversized_and_binary_input_is_kept_as_a_bounded_excerpt() -> None:
    raw = b"\xff\xfe" + b"x" * (100 * 1024)
    dead = dead_letter_for(raw, refuse(raw), **{**SOURCE, "key": b"\xff"}, at=AT)
    assert dead.payload.reason_code == DeadLetterReason.PAYLOAD_TOO_LARGE
    assert dead.payload.raw_size == len(raw)
    assert len(dead.payload.raw.encode()) <= RAW_EXCERPT_BYTES + 4
    assert dead.payload.raw.startswith("\ufffd")
    assert dead.payload.source.key == "\ufffd"
    assert parse_event(to_bytes(dead)) == dead


def test_router_refusals_are_dead_lettered_with_their_own_codes() -> None:
    raw = encode(sample("fulfilment.accepted"))
    error = ContractError(
        DeadLetterReason.OFFICE_NOT_ASSIGNED, "GEN-00099 was not assigned REQ-2024-000123"
    )
    dead = dead_letter_for(raw, error, **{**SOURCE, "key": None}, at=AT)
    assert dead.payload.reason_code == DeadLetterReason.OFFICE_NOT_ASSIGNED
    assert (dead.payload.field, dead.payload.source.key) == (None, None)


def test_a_contract_error_shows_reason_message_and_field() -> None:
    error = ContractError(DeadLetterReason.MISSING_FIELD, "x: missing", "x")
    assert str(error) == "MISSING_FIELD: x: missing"
    assert "field='x'" in repr(error)


def test_the_orjson_codec_is_registered_with_faust_and_writes_envelopes_like_to_bytes() -> None:
    from faust.serializers import codecs

    import contracts.codec  # noqa: F401  (registers the codec)

    envelope = parse_event(encode(sample("routing.decided")))
    raw = codecs.dumps("orjson", envelope)
    assert raw == to_bytes(envelope)
    assert codecs.loads("orjson", raw) == orjson.loads(raw)
    assert parse_event(codecs.dumps("orjson", orjson.loads(raw))) == envelope


def test_contracts_import_without_faust() -> None:
    code = (
        "import sys, contracts.registry, contracts.generate, contracts.examples; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('faust', 'mode')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
