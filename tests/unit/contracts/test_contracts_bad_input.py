"""Bad input -> the most specific reason code, the field path, and a message naming it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from contract_samples import encode, sample

from contracts.errors import ContractError, DeadLetterReason
from contracts.registry import MAX_EVENT_BYTES, parse_event

R = DeadLetterReason
Doc = dict[str, Any]


def changed(event_type: str, change: Callable[[Doc], object]) -> bytes:
    document = sample(event_type)
    change(document)
    return encode(document)


def payload(event_type: str, **changes: Any) -> bytes:
    return encode(sample(event_type, **changes))


def envelope(of: str, **changes: Any) -> bytes:
    return encode({**sample(of), **changes})


def oversized() -> bytes:
    document = sample("licence.suspended")
    document["payload"]["reason"] = "x" * MAX_EVENT_BYTES
    return encode(document)


SUB = "request.submitted"
ISSUED = "licence.issued"
# fmt: off
CASES: list[tuple[str, bytes, DeadLetterReason, str | None]] = [
    ("not JSON", b"{not json", R.MALFORMED_JSON, None),
    ("empty input", b"", R.MALFORMED_JSON, None),
    ("invalid UTF-8", b'{"a": "\xff"}', R.MALFORMED_JSON, None),
    ("JSON array", b"[1, 2]", R.NOT_AN_OBJECT, None),
    ("JSON string", b'"request.submitted"', R.NOT_AN_OBJECT, None),
    ("oversized", oversized(), R.PAYLOAD_TOO_LARGE, None),
    ("missing payload field", changed(SUB, lambda d: d["payload"].pop("service_code")),
     R.MISSING_FIELD, "payload.service_code"),
    ("missing event_type", changed(SUB, lambda d: d.pop("event_type")),
     R.MISSING_FIELD, "event_type"),
    ("missing event_id", changed(SUB, lambda d: d.pop("event_id")), R.MISSING_FIELD, "event_id"),
    ("missing payload", changed(SUB, lambda d: d.pop("payload")), R.MISSING_FIELD, "payload"),
    ("number for a string", payload(SUB, request_id=12345678), R.WRONG_TYPE, "payload.request_id"),
    ("array for the payload", envelope(SUB, payload=[]), R.WRONG_TYPE, "payload"),
    ("string for an integer", payload(ISSUED, capacity="40"), R.WRONG_TYPE, "payload.capacity"),
    ("1 for a boolean", payload("catalog.service_defined", delegated_to_general=1),
     R.WRONG_TYPE, "payload.delegated_to_general"),
    ("number for event_type", envelope(SUB, event_type=7), R.WRONG_TYPE, "event_type"),
    ("string schema_version", envelope(SUB, schema_version="1"), R.WRONG_TYPE, "schema_version"),
    ("unknown payload field", payload(SUB, colour="red"), R.UNKNOWN_FIELD, "payload.colour"),
    ("unknown envelope field", envelope(SUB, priority=1), R.UNKNOWN_FIELD, "priority"),
    ("unknown event type", envelope(SUB, event_type="request.teleported"),
     R.UNKNOWN_EVENT_TYPE, "event_type"),
    ("schema version 2", envelope(SUB, schema_version=2), R.UNSUPPORTED_SCHEMA_VERSION,
     "schema_version"),
    ("national id check digit", payload(SUB, citizen_national_id="0012345678"),
     R.INVALID_NATIONAL_ID, "payload.citizen_national_id"),
    ("repeated-digit national id", payload(SUB, citizen_national_id="1111111111"),
     R.INVALID_NATIONAL_ID, "payload.citizen_national_id"),
    ("nine-digit national id", payload(SUB, citizen_national_id="012345679"),
     R.INVALID_NATIONAL_ID, "payload.citizen_national_id"),
    ("national id as a number", payload(SUB, citizen_national_id=12345679),
     R.WRONG_TYPE, "payload.citizen_national_id"),
    ("inquiry national id", payload("inquiry.requested", citizen_national_id="0012345670"),
     R.INVALID_NATIONAL_ID, "payload.citizen_national_id"),
    ("lower-case service code", payload(SUB, service_code="civ-101"),
     R.INVALID_SERVICE_CODE, "payload.service_code"),
    ("service code in licence scope",
     changed(ISSUED, lambda d: d["payload"]["scope"].update(services=["CIV-1"])),
     R.INVALID_SERVICE_CODE, "payload.scope.services[0]"),
    ("malformed city code", payload(SUB, region={"province": "23", "city": "23001"}),
     R.INVALID_REGION_CODE, "payload.region.city"),
    ("malformed province code", payload(SUB, region={"province": "2", "city": "23-001"}),
     R.INVALID_REGION_CODE, "payload.region.province"),
    ("city outside its province", payload(SUB, region={"province": "23", "city": "24-001"}),
     R.INVALID_REGION_CODE, "payload.region"),
    ("malformed preferred office", payload(SUB, preferred_office="gen-42"),
     R.INVALID_OFFICE_ID, "payload.preferred_office"),
    ("malformed licence office id", payload("licence.revoked", office_id="GEN00042"),
     R.INVALID_OFFICE_ID, "payload.office_id"),
    ("naive payload timestamp", payload(SUB, submitted_at="2024-05-01T08:30:00"),
     R.TIMESTAMP_WITHOUT_TIMEZONE, "payload.submitted_at"),
    ("naive envelope timestamp", envelope(SUB, occurred_at="2024-05-01T08:30:00"),
     R.TIMESTAMP_WITHOUT_TIMEZONE, "occurred_at"),
    ("not a timestamp", payload("clock.ticked", now="yesterday"), R.INVALID_VALUE, "payload.now"),
    ("unix time for a timestamp", payload("clock.ticked", now=1714552200),
     R.WRONG_TYPE, "payload.now"),
    ("too-long producer", envelope(SUB, producer="p" * 65), R.STRING_TOO_LONG, "producer"),
    ("too-long reason", payload("licence.suspended", reason="r" * 501),
     R.STRING_TOO_LONG, "payload.reason"),
    ("valid_to before valid_from", payload(ISSUED, valid_to="2023-01-01T00:00:00Z"),
     R.INVALID_VALUE, "payload.valid_to"),
    ("valid_to equal to valid_from", payload("licence.amended", valid_to="2024-01-01T00:00:00Z"),
     R.INVALID_VALUE, "payload.valid_to"),
    ("agency licence without agency", payload(ISSUED, kind="agency", agency=None),
     R.MISSING_FIELD, "payload.agency"),
    ("general licence with agency", payload(ISSUED, agency="tax-affairs"),
     R.INVALID_VALUE, "payload.agency"),
    ("zero capacity", payload(ISSUED, capacity=0), R.INVALID_VALUE, "payload.capacity"),
    ("capacity above 100000", payload(ISSUED, capacity=100001), R.INVALID_VALUE,
     "payload.capacity"),
    ("event id not a UUID", envelope(SUB, event_id="42"), R.INVALID_VALUE, "event_id"),
    ("unknown channel", payload(SUB, channel="fax"), R.INVALID_VALUE, "payload.channel"),
    ("assigned decision without office", payload("routing.decided", office_id=None),
     R.INVALID_VALUE, "payload"),
    ("unknown exclusion reason",
     changed("routing.decided",
             lambda d: d["payload"]["explanation"]["exclusions"][0].update(reason="RIVAL")),
     R.INVALID_VALUE, "payload.explanation.exclusions[0].reason"),
    ("no inquiry awaited", payload("fulfilment.awaiting_inquiry", inquiries=[]),
     R.INVALID_VALUE, "payload.inquiries"),
    ("repeated inquiry kind",
     payload("catalog.service_defined", inquiries=[{"kind": "tax", "agency": "tax-affairs"}] * 2),
     R.INVALID_VALUE, "payload.inquiries"),
    ("deadline before assignment", payload("assignment.made", accept_by="2024-05-01T08:00:00Z"),
     R.INVALID_VALUE, "payload.accept_by"),
    ("float attempt", payload("fulfilment.accepted", attempt=1.5), R.WRONG_TYPE,
     "payload.attempt"),
]
# fmt: on


@pytest.mark.parametrize(
    ("raw", "reason", "field"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input_is_refused_with_the_most_specific_reason(
    raw: bytes, reason: DeadLetterReason, field: str | None
) -> None:
    with pytest.raises(ContractError) as caught:
        parse_event(raw)
    assert (caught.value.reason, caught.value.field) == (reason, field)
    assert caught.value.message
    if field is not None:
        assert field in caught.value.message


def test_a_valid_event_on_the_wrong_topic_is_unexpected() -> None:
    with pytest.raises(ContractError) as caught:
        parse_event(encode(sample(ISSUED)), allowed_types=frozenset({SUB}))
    assert caught.value.reason == R.UNEXPECTED_EVENT_TYPE
    assert "request.submitted" in caught.value.message


def test_every_problem_is_listed_and_the_most_specific_one_is_the_reason() -> None:
    document = sample(SUB, colour="red", citizen_national_id="0012345678", channel="fax")
    with pytest.raises(ContractError) as caught:
        parse_event(encode(document))
    assert caught.value.reason == R.INVALID_NATIONAL_ID
    for path in ("payload.colour", "payload.citizen_national_id", "payload.channel"):
        assert path in caught.value.message


def test_schema_version_is_checked_before_the_event_type_is_looked_up() -> None:
    raw = envelope(SUB, schema_version=2, event_type="request.submitted_v2")
    with pytest.raises(ContractError) as caught:
        parse_event(raw)
    assert caught.value.reason == R.UNSUPPORTED_SCHEMA_VERSION


def test_exactly_the_size_limit_is_still_read() -> None:
    document = sample("licence.suspended", reason="")
    compact = orjson.dumps(document)
    padding = MAX_EVENT_BYTES - len(compact)
    raw = compact.replace(b'"reason":""', b'"reason":""' + b" " * padding)
    assert len(raw) == MAX_EVENT_BYTES
    with pytest.raises(ContractError) as caught:  # read, then refused for the empty reason
        parse_event(raw)
    assert caught.value.reason == R.INVALID_VALUE


def test_nan_is_not_json() -> None:
    raw = orjson.dumps(sample("routing.decided")).replace(
        b'"utilisation":0.075', b'"utilisation":NaN'
    )
    with pytest.raises(ContractError) as caught:
        parse_event(raw)
    assert caught.value.reason == R.MALFORMED_JSON
