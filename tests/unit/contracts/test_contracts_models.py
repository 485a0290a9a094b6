"""Each model: its example is valid, and its own constraints hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from contract_samples import encode, sample
from pydantic import BaseModel, ValidationError

from contracts.base import ContractModel, example_of
from contracts.catalog import ServiceDefined
from contracts.decisions import Candidate, ExclusionReason, RoutingDecided
from contracts.envelope import stable_event_id
from contracts.errors import DeadLetterReason
from contracts.events import ENVELOPE_BY_TYPE, EVENT_TYPES, PAYLOAD_BY_TYPE, AnyEnvelope
from contracts.fulfilment import FulfilmentRejected
from contracts.licences import LicenceIssued
from contracts.region import Region
from contracts.registry import new_envelope, parse_event, to_bytes
from contracts.requests import RequestSubmitted
from contracts.state import RequestState

AT = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def error_types(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [error["type"] for error in caught.value.errors()]


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_example_of_every_payload_is_valid(event_type: str) -> None:
    payload_class = PAYLOAD_BY_TYPE[event_type]
    payload = payload_class.model_validate(example_of(payload_class))
    assert payload.model_dump(mode="json", exclude_unset=True) == example_of(payload_class)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_example_event_of_every_type_parses_to_its_own_envelope_class(event_type: str) -> None:
    envelope = parse_event(encode(sample(event_type)))
    assert type(envelope) is ENVELOPE_BY_TYPE[event_type]
    assert type(envelope.payload) is PAYLOAD_BY_TYPE[event_type]


def test_event_types_are_past_tense_family_dot_event() -> None:
    for event_type in EVENT_TYPES:
        family, event = event_type.split(".")
        assert family.isidentifier()
        assert event.isidentifier()
        assert event.endswith(("ed", "made", "withdrawn", "awaiting_inquiry"))


def test_models_are_frozen() -> None:
    region = Region(province="23", city="23-001")
    with pytest.raises(ValidationError, match="frozen"):
        region.city = "23-002"  # type: ignore[misc]


def test_models_refuse_unknown_fields() -> None:
    assert error_types(Region, {"province": "23", "city": "23-001", "zip": "1"}) == [
        "extra_forbidden"
    ]


def test_timestamps_are_normalised_to_utc() -> None:
    tehran = timezone(timedelta(hours=3, minutes=30))
    tick = new_envelope(
        PAYLOAD_BY_TYPE["clock.ticked"].model_validate(
            {"now": datetime(2024, 5, 1, 12, tzinfo=tehran)}
        ),
        producer="router",
        occurred_at=datetime(2024, 5, 1, 12, tzinfo=tehran),
    )
    assert tick.occurred_at == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert tick.occurred_at.utcoffset() == timedelta(0)
    assert b'"occurred_at":"2024-05-01T08:30:00Z"' in to_bytes(tick)


def test_naive_timestamps_are_refused() -> None:
    data = example_of(RequestSubmitted) | {"submitted_at": datetime(2024, 5, 1, 8, 30)}
    assert error_types(RequestSubmitted, data) == ["timezone_aware"]


def test_new_envelope_takes_event_type_from_the_payload_and_correlates_by_request() -> None:
    payload = RequestSubmitted.model_validate(example_of(RequestSubmitted))
    envelope = new_envelope(payload, producer="intake-web", occurred_at=AT)
    assert envelope.event_type == "request.submitted"
    assert envelope.schema_version == 1
    assert envelope.correlation_id == payload.request_id
    assert envelope.payload is payload
    assert parse_event(to_bytes(envelope)) == envelope


def test_new_envelope_uses_the_given_ids_or_a_fresh_uuid() -> None:
    payload = ServiceDefined.model_validate(example_of(ServiceDefined))
    first = new_envelope(payload, producer="civil-registry", occurred_at=AT)
    second = new_envelope(payload, producer="civil-registry", occurred_at=AT)
    assert first.event_id != second.event_id
    assert first.correlation_id == first.event_id
    given = new_envelope(
        payload, producer="x", occurred_at=AT, event_id=stable_event_id("a"), correlation_id="c"
    )
    assert (given.event_id, given.correlation_id) == (stable_event_id("a"), "c")


def test_stable_event_ids_depend_only_on_their_parts() -> None:
    assert stable_event_id("req", "1") == stable_event_id("req", "1")
    assert stable_event_id("req", "1") != stable_event_id("req1")
    assert parse_event(encode({**sample("clock.ticked"), "event_id": stable_event_id("t")}))


def test_isinstance_narrows_the_union_to_a_typed_payload() -> None:
    envelope: AnyEnvelope = parse_event(encode(sample("request.submitted")))
    assert isinstance(envelope.payload, RequestSubmitted)
    assert envelope.payload.region.city == "23-001"


def test_a_city_must_lie_in_its_province() -> None:
    assert error_types(Region, {"province": "23", "city": "24-001"}) == ["INVALID_REGION_CODE"]


def test_service_definition_defaults() -> None:
    data = example_of(ServiceDefined)
    for optional in ("branch", "inquiries", "inquiry_sla_seconds"):
        del data[optional]
    service = ServiceDefined.model_validate(data)
    assert (service.branch, service.inquiries, service.inquiry_sla_seconds) == (None, (), 86400)


@pytest.mark.parametrize("field", ["acceptance_sla_seconds", "fulfilment_sla_seconds"])
def test_service_slas_are_positive(field: str) -> None:
    assert error_types(ServiceDefined, example_of(ServiceDefined) | {field: 0}) == ["greater_than"]


def test_an_agency_licence_names_its_agency() -> None:
    data = example_of(LicenceIssued) | {"kind": "agency", "agency": "tax-affairs"}
    assert LicenceIssued.model_validate(data).agency == "tax-affairs"
    assert error_types(LicenceIssued, data | {"agency": None}) == ["MISSING_FIELD"]
    del data["agency"]
    assert error_types(LicenceIssued, data) == ["MISSING_FIELD"]


def test_a_licence_ends_after_it_starts() -> None:
    data = example_of(LicenceIssued)
    assert error_types(LicenceIssued, data | {"valid_to": data["valid_from"]}) == ["INVALID_VALUE"]


def test_an_unroutable_decision_names_no_office() -> None:
    unroutable = example_of(RoutingDecided) | {
        "outcome": "unroutable",
        "assignment_id": None,
        "office_id": None,
        "office_kind": None,
    }
    assert RoutingDecided.model_validate(unroutable).office_id is None
    assert error_types(RoutingDecided, unroutable | {"office_id": "GEN-00042"}) == ["INVALID_VALUE"]


def test_utilisation_is_a_finite_non_negative_number() -> None:
    for bad in (float("inf"), float("nan"), -0.1):
        assert len(error_types(Candidate, example_of(Candidate) | {"utilisation": bad})) == 1


def test_rejection_reasons_are_codes() -> None:
    data = example_of(FulfilmentRejected)
    assert error_types(FulfilmentRejected, data | {"reason": "missing docs"}) == [
        "string_pattern_mismatch"
    ]


def test_request_states() -> None:
    assert {state.value for state in RequestState} == {
        "received", "assigned", "accepted", "awaiting_inquiry", "in_progress", "fulfilled",
        "rejected", "cancelled", "unroutable", "escalated", "timed_out", "declined",
    }  # fmt: skip


def test_exclusion_reasons_are_the_agreed_list() -> None:
    assert [reason.value for reason in ExclusionReason] == [
        "LICENCE_SUSPENDED", "LICENCE_REVOKED", "LICENCE_NOT_YET_VALID", "LICENCE_EXPIRED",
        "SERVICE_NOT_DELEGATED", "SERVICE_OF_OTHER_AGENCY", "SERVICE_NOT_IN_SCOPE",
        "BRANCH_NOT_LICENSED", "REGION_OUT_OF_REACH", "CAPACITY_EXHAUSTED",
        "PREVIOUSLY_REJECTED", "PREVIOUSLY_TIMED_OUT", "OFFICE_UNKNOWN",
    ]  # fmt: skip


def test_dead_letter_reasons_include_the_routers_refusals() -> None:
    router_codes = {
        "UNKNOWN_SERVICE", "UNKNOWN_OFFICE", "UNKNOWN_REQUEST", "DUPLICATE_EVENT",
        "DUPLICATE_REQUEST", "ILLEGAL_TRANSITION", "STALE_ATTEMPT", "OFFICE_NOT_ASSIGNED",
        "UNKNOWN_INQUIRY",
    }  # fmt: skip
    assert router_codes <= {reason.value for reason in DeadLetterReason}
    assert all(reason.name == reason.value for reason in DeadLetterReason)


def _fields_of_every_model() -> list[tuple[str, str, Any]]:
    seen: dict[type[BaseModel], None] = {}
    pending: list[type[BaseModel]] = list(ENVELOPE_BY_TYPE.values())
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen[model] = None
        for info in model.model_fields.values():
            pending.extend(_models_in(info.annotation))
    return [
        (model.__name__, name, info) for model in seen for name, info in model.model_fields.items()
    ]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


FIELDS = _fields_of_every_model()


@pytest.mark.parametrize(
    ("model", "name", "info"), FIELDS, ids=[f"{model}.{name}" for model, name, _ in FIELDS]
)
def test_every_field_has_a_description_and_an_example(model: str, name: str, info: Any) -> None:
    assert info.description
    assert info.description.endswith(".")
    assert info.examples


def test_every_model_reachable_from_an_event_is_a_documented_contract_model() -> None:
    models = {model for model, _, _ in FIELDS}
    assert len(models) > len(EVENT_TYPES) * 2
    for event_type, payload in PAYLOAD_BY_TYPE.items():
        assert issubclass(payload, ContractModel), event_type
        assert payload.__doc__, event_type
