"""Reading files of events to publish: JSONL (payloads or full envelopes) and request CSV.

Every row is validated locally, exactly as the router would, and comes out either
`Accepted` (its key and envelope) or `Refused` (line number, reason code, message). Nothing
here touches Kafka.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from clients.intake import cancelled_event_id, request_envelope
from clients.regulator import catalog_envelope, licence_envelope
from clients.validation import content_event_id, mask_ids, mask_national_id, validate_payload
from contracts.base import ContractModel
from contracts.envelope import Envelope
from contracts.errors import ContractError, DeadLetterReason
from contracts.events import EVENT_TYPES, PAYLOAD_BY_TYPE
from contracts.registry import MAX_EVENT_BYTES, new_envelope, parse_event
from contracts.topics import spec

R = DeadLetterReason
CSV_COLUMNS: Final = (
    "request_id",
    "service_code",
    "citizen_national_id",
    "province",
    "city",
    "channel",
    "preferred_office",
    "submitted_at",
)
_OPTIONAL_CSV: Final = frozenset({"preferred_office"})


class InputFileError(Exception):
    """The file as a whole cannot be read (e.g. a CSV header that is not the contract's)."""


@dataclass(frozen=True)
class Accepted:
    line: int
    key: str
    envelope: Envelope[Any]


@dataclass(frozen=True)
class Refused:
    line: int
    reason: DeadLetterReason
    message: str
    field: str | None = None
    value: str | None = None  # the offending value, when one field is at fault

    def describe(self) -> str:
        """One line for a human; national ids masked."""
        shown = ""
        if self.value is not None:
            national = (self.field or "").endswith("national_id")
            shown = f" (got {mask_national_id(self.value) if national else self.value[:80]!r})"
        return mask_ids(f"line {self.line}: {self.reason} {self.message}{shown}")


def _value_at(document: Any, path: str | None) -> str | None:
    """The scalar at a dotted path like `payload.region.city`, as text; None if absent."""
    if not path:
        return None
    node = document
    for part in path.split("."):
        if not isinstance(node, dict) or "[" in part or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def _refused(line: int, error: ContractError, document: Any) -> Refused:
    value = _value_at(document, error.field)
    return Refused(line, error.reason, error.message, error.field, value)


Row = Accepted | Refused
Builder = Callable[[ContractModel, str], tuple[str, Envelope[Any]]]


@dataclass(frozen=True)
class Stream:
    """What one kind of file holds: its topic, the event types allowed and how to key them."""

    topic: str
    default_type: str | None
    build: Builder

    @property
    def allowed_types(self) -> frozenset[str]:
        return frozenset(spec(self.topic).messages)


def _request_row(payload: Any, producer: str) -> tuple[str, Envelope[Any]]:
    if payload.event_type == "request.submitted":
        return payload.request_id, request_envelope(payload, producer)
    envelope = new_envelope(
        payload,
        producer=producer,
        occurred_at=datetime.now(UTC),
        event_id=cancelled_event_id(payload.request_id),
    )
    return payload.request_id, envelope


def _licence_row(payload: Any, producer: str) -> tuple[str, Envelope[Any]]:
    event_id = content_event_id(payload.event_type, payload.office_id, payload)
    envelope = licence_envelope(payload, producer=producer, event_id=event_id)
    return payload.office_id, envelope


def _catalog_row(payload: Any, producer: str) -> tuple[str, Envelope[Any]]:
    return payload.service_code, catalog_envelope(payload, producer=producer)


REQUESTS: Final = Stream("requests", "request.submitted", _request_row)
LICENCES: Final = Stream("licences", None, _licence_row)
CATALOG: Final = Stream("catalog", None, _catalog_row)


def _key_of(envelope: Envelope[Any]) -> str:
    payload = envelope.payload
    for attr in ("request_id", "office_id", "service_code"):
        value = getattr(payload, attr, None)
        if value:
            return str(value)
    return envelope.event_id


def _load(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_EVENT_BYTES:
        limit = f"{len(raw)} bytes; the limit is {MAX_EVENT_BYTES}"
        raise ContractError(R.PAYLOAD_TOO_LARGE, limit)
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ContractError(R.MALFORMED_JSON, f"not valid UTF-8 JSON: {error}") from None
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise ContractError(R.NOT_AN_OBJECT, f"each line is a JSON object, not a {kind}")
    return document


def _event_type(document: dict[str, Any], stream: Stream) -> str:
    event_type = document.pop("event_type", stream.default_type)
    if event_type is None:
        raise ContractError(R.MISSING_FIELD, "event_type: required on each line", "event_type")
    if not isinstance(event_type, str):
        raise ContractError(R.WRONG_TYPE, "event_type is a string", "event_type")
    if event_type not in EVENT_TYPES:
        raise ContractError(R.UNKNOWN_EVENT_TYPE, f"unknown event_type {event_type[:64]!r}")
    if event_type not in stream.allowed_types:
        allowed = ", ".join(sorted(stream.allowed_types))
        raise ContractError(
            R.UNEXPECTED_EVENT_TYPE, f"{event_type} does not belong here; allowed: {allowed}"
        )
    return event_type


def parse_line(raw: bytes, stream: Stream, producer: str) -> tuple[str, Envelope[Any]]:
    """One JSONL line (a payload, or a full envelope) as (key, envelope); `ContractError`."""
    document = _load(raw)
    if "payload" in document:
        envelope = parse_event(raw, allowed_types=stream.allowed_types)
        return _key_of(envelope), envelope
    event_type = _event_type(document, stream)
    payload = validate_payload(PAYLOAD_BY_TYPE[event_type], document)
    return stream.build(payload, producer)


class _Dedup:
    """Refuses a repeated event id, or a request id submitted twice with different events."""

    def __init__(self) -> None:
        self.event_lines: dict[str, int] = {}
        self.requests: dict[str, int] = {}

    def check(self, row: Accepted) -> Row:
        env = row.envelope
        first = self.event_lines.setdefault(env.event_id, row.line)
        if first != row.line:
            text = f"repeats event {env.event_id} of line {first}"
            return Refused(row.line, R.DUPLICATE_EVENT, text, "event_id")
        if env.event_type == "request.submitted":
            first = self.requests.setdefault(env.payload.request_id, row.line)
            if first != row.line:
                text = f"request {env.payload.request_id} was already submitted on line {first}"
                return Refused(row.line, R.DUPLICATE_REQUEST, text, "payload.request_id")
        return row


def _document_or_none(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def read_jsonl(lines: Iterable[bytes], stream: Stream, producer: str) -> Iterator[Row]:
    """Rows of a JSONL file; blank lines are skipped, line numbers start at 1."""
    dedup = _Dedup()
    for number, line in enumerate(lines, start=1):
        raw = line.strip()
        if not raw:
            continue
        try:
            key, envelope = parse_line(raw, stream, producer)
        except ContractError as error:
            yield _refused(number, error, _document_or_none(raw))
            continue
        yield dedup.check(Accepted(number, key, envelope))


def _csv_payload(record: dict[str, str]) -> dict[str, Any]:
    cells = {k: (v or "").strip() for k, v in record.items()}
    data: dict[str, Any] = {k: v for k, v in cells.items() if v and k not in ("province", "city")}
    if cells["province"] or cells["city"]:
        data["region"] = {"province": cells["province"], "city": cells["city"]}
    if not cells["preferred_office"]:
        data["preferred_office"] = None
    return data


def _check_header(header: Sequence[str] | None) -> None:
    if header is None:
        raise InputFileError("the CSV file is empty; expected a header row")
    names = [h.strip() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in names and c not in _OPTIONAL_CSV]
    unknown = [c for c in names if c not in CSV_COLUMNS]
    if missing or unknown:
        raise InputFileError(
            f"CSV header must be {','.join(CSV_COLUMNS)}; "
            f"missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'}"
        )


def read_requests_csv(lines: Iterable[str], producer: str) -> Iterator[Row]:
    """Rows of a request CSV (header `CSV_COLUMNS`); raises `InputFileError` for the header."""
    reader = csv.DictReader(lines, restkey="__extra__")
    _check_header(reader.fieldnames)
    reader.fieldnames = [h.strip() for h in reader.fieldnames or []]
    dedup = _Dedup()
    for record in reader:
        number = reader.line_num
        if "__extra__" in record:
            yield Refused(number, R.UNKNOWN_FIELD, "more cells than header columns")
            continue
        record.setdefault("preferred_office", "")
        data = _csv_payload(record)
        try:
            payload = validate_payload(PAYLOAD_BY_TYPE["request.submitted"], data)
        except ContractError as error:
            yield _refused(number, error, data)
            continue
        key, envelope = REQUESTS.build(payload, producer)
        yield dedup.check(Accepted(number, key, envelope))
