"""The decision as a value: stable ids, a plain dict, and a digest of its inputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import pytest
from router_builders import REY, T0, agency_office, catalog_of, issue, registry_of, request, service

from router import (
    AGENCY_FIRST_POLICY,
    CURRENT_POLICY,
    Catalog,
    Decision,
    ExclusionReason,
    OfficeRegistry,
    Policy,
    RoutingRequest,
    SuspendLicence,
    UnknownService,
    assignment_id,
    decide,
)
from router.canonical import licence_plain, request_plain, service_plain
from router.digest import inputs_document


def _registry() -> OfficeRegistry:
    return registry_of(issue("O-1"), agency_office("O-2"), issue("O-3", region=REY))


def _decide(
    req: RoutingRequest | None = None,
    catalog: Catalog | None = None,
    registry: OfficeRegistry | None = None,
    load: Mapping[str, int] | None = None,
    policy: Policy = CURRENT_POLICY,
) -> Decision:
    return decide(
        req or request(), catalog or catalog_of(), registry or _registry(), load or {}, policy
    )


def test_the_assignment_id_is_derived_from_request_and_attempt() -> None:
    digest = hashlib.sha256(b"R-1:1").hexdigest()[:24]
    assert _decide().assignment_id == assignment_id("R-1", 1) == f"A-{digest}"
    assert _decide(request(attempt=2)).assignment_id == assignment_id("R-1", 2)
    assert assignment_id("R-1", 1) != assignment_id("R-2", 1)


def test_an_unknown_service_raises() -> None:
    with pytest.raises(UnknownService):
        _decide(request("S-NOPE"))


def test_to_dict_is_plain_json_with_stable_keys() -> None:
    as_dict = _decide(request(preferred="O-404")).to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert list(as_dict) == [
        "request_id", "attempt", "outcome", "office_id", "office_kind", "assignment_id",
        "policy_version", "candidates", "exclusions", "preferred", "widening_would_help",
        "inputs_digest",
    ]  # fmt: skip
    assert as_dict["outcome"] == "assigned"
    assert as_dict["preferred"]["reason"] == "OFFICE_UNKNOWN"


def test_the_same_inputs_give_the_same_decision() -> None:
    assert _decide().to_dict() == _decide().to_dict()


def test_candidates_and_exclusions_are_sorted() -> None:
    registry = registry_of(*(issue(f"O-{i}") for i in range(6)), SuspendLicence("O-4", "x"))
    registry.apply(SuspendLicence("O-1", "y"))
    decision = _decide(registry=registry, load={"O-0": 3})
    assert [c.rank for c in decision.candidates] == [1, 2, 3, 4]
    assert [(c.score, c.tie_break) for c in decision.candidates] == sorted(
        (c.score, c.tie_break) for c in decision.candidates
    )
    assert [e.office_id for e in decision.exclusions] == ["O-1", "O-4"]


def test_the_digest_is_the_sha256_of_the_canonical_json_of_the_inputs() -> None:
    registry, req, load = _registry(), request(preferred="O-404"), {"O-1": 2}
    decision = _decide(req, registry=registry, load=load)
    considered = ["O-1", "O-2", "O-404"]
    document = {
        "loads": {"O-1": 2, "O-2": 0, "O-404": 0},
        "offices": {
            o: (lic and licence_plain(lic)) for o, lic in registry.snapshot_of(considered).items()
        },
        "policy": {
            "version": "2026.11-1",
            "kind_weights": {"agency": 1.0, "general": 1.0},
            "prefer_nearest_tier": True,
            "rules": [],
        },
        "request": request_plain(req),
        "service": service_plain(service()),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    assert inputs_document(req, service(), registry, considered, load, CURRENT_POLICY) == text
    assert decision.inputs_digest == hashlib.sha256(text.encode()).hexdigest()


def _variants() -> dict[str, Decision]:
    base_req = request()
    return {
        "request_id": _decide(request(request_id="R-2")),
        "submitted_at": _decide(request(at=T0 + timedelta(seconds=1))),
        "attempt": _decide(request(attempt=2)),
        "preferred": _decide(request(preferred="O-3")),
        "excluded": _decide(request(excluded={"O-1": ExclusionReason.PREVIOUSLY_TIMED_OUT})),
        "service_sla": _decide(
            base_req, catalog_of(replace(service(), fulfilment_sla=timedelta(days=4)))
        ),
        "licence": _decide(registry=registry_of(issue("O-1", capacity=11), agency_office("O-2"))),
        "load": _decide(load={"O-2": 1}),
        "policy_version": _decide(policy=Policy(version="other")),
        "policy_weights": _decide(policy=AGENCY_FIRST_POLICY),
        "policy_tiers": _decide(policy=Policy(version="2026.11-1", prefer_nearest_tier=False)),
    }


@pytest.mark.parametrize("changed", sorted(_variants()))
def test_the_digest_changes_when_any_input_changes(changed: str) -> None:
    assert _variants()[changed].inputs_digest != _decide().inputs_digest


def test_the_digest_ignores_the_load_of_offices_not_considered() -> None:
    assert _decide(load={"O-3": 5}).inputs_digest == _decide().inputs_digest


def test_the_digest_is_stable_across_runs() -> None:
    decision = _decide()
    assert decision.inputs_digest == _decide().inputs_digest
    assert len(decision.inputs_digest) == 64
