"""Choosing among eligible offices: nearest tier, least utilisation, stable ties, preference."""

from __future__ import annotations

from collections.abc import Mapping

from router_builders import (
    ISFAHAN,
    REY,
    agency_office,
    catalog_of,
    issue,
    registry_of,
    request,
    service,
)

from router import (
    AGENCY_FIRST_POLICY,
    CURRENT_POLICY,
    Candidate,
    Decision,
    ExclusionReason,
    OfficeKind,
    OfficeRegistry,
    Outcome,
    Policy,
    PreferredOutcome,
    Reach,
    RoutingRequest,
    SuspendLicence,
    Tier,
    decide,
    explain_office,
)
from router.selection import tie_break


def _decide(
    registry: OfficeRegistry,
    req: RoutingRequest | None = None,
    load: Mapping[str, int] | None = None,
    policy: Policy = CURRENT_POLICY,
    reach: Reach = Reach.NATIONAL,
) -> Decision:
    return decide(req or request(), catalog_of(service(reach=reach)), registry, load or {}, policy)


def test_a_city_office_is_chosen_before_a_less_loaded_province_office() -> None:
    registry = registry_of(issue("O-CITY"), issue("O-PROV", region=REY))
    decision = _decide(registry, load={"O-CITY": 9})
    assert decision.office_id == "O-CITY"
    assert [c.tier for c in decision.candidates] == [Tier.CITY]


def test_the_province_tier_is_used_when_no_city_office_is_eligible() -> None:
    registry = registry_of(
        issue("O-CITY"), issue("O-PROV", region=REY), issue("O-ISF", region=ISFAHAN)
    )
    decision = _decide(registry, load={"O-CITY": 10})
    assert decision.office_id == "O-PROV"
    assert decision.candidates[0].tier is Tier.PROVINCE
    assert [e.reason for e in decision.exclusions] == [ExclusionReason.CAPACITY_EXHAUSTED]


def test_the_national_tier_is_only_walked_when_nearer_tiers_have_no_eligible_office() -> None:
    registry = registry_of(issue("O-CITY"), issue("O-ISF", region=ISFAHAN))
    assert "O-ISF" not in {c.office_id for c in _decide(registry).candidates}
    decision = _decide(registry, load={"O-CITY": 10})
    assert decision.office_id == "O-ISF"


def test_the_least_utilised_office_in_the_tier_is_chosen() -> None:
    registry = registry_of(issue("O-1", capacity=10), issue("O-2", capacity=10))
    decision = _decide(registry, load={"O-1": 5, "O-2": 3})
    assert decision.office_id == "O-2"
    assert [c.rank for c in decision.candidates] == [1, 2]
    assert decision.candidates[1].utilisation == 0.5


def test_utilisation_is_relative_to_capacity() -> None:
    registry = registry_of(issue("O-SMALL", capacity=4), issue("O-BIG", capacity=40))
    assert _decide(registry, load={"O-SMALL": 1, "O-BIG": 9}).office_id == "O-BIG"


def test_equal_offices_are_separated_by_the_rendezvous_hash() -> None:
    registry = registry_of(issue("O-1"), issue("O-2"))
    decision = _decide(registry)
    expected = min(["O-1", "O-2"], key=lambda o: tie_break("R-1", o))
    assert decision.office_id == expected
    assert decision.candidates[0].tie_break == tie_break("R-1", expected)


def test_ties_are_spread_over_offices_across_requests() -> None:
    registry = registry_of(*(issue(f"O-{i}") for i in range(4)))
    chosen = {_decide(registry, request(request_id=f"R-{n}")).office_id for n in range(40)}
    assert chosen == {"O-0", "O-1", "O-2", "O-3"}


def test_kind_does_not_matter_under_the_neutral_policy() -> None:
    registry = registry_of(issue("O-GEN"), agency_office("O-AGY"))
    decision = _decide(registry)
    scores = {c.kind: c.score for c in decision.candidates}
    assert scores[OfficeKind.GENERAL] == scores[OfficeKind.AGENCY]


def test_the_agency_first_policy_fills_the_agency_office_first() -> None:
    registry = registry_of(issue("O-GEN", capacity=10), agency_office("O-AGY", capacity=10))
    decision = _decide(registry, load={"O-AGY": 8}, policy=AGENCY_FIRST_POLICY)
    assert decision.office_id == "O-AGY"
    assert decision.policy_version == "2026.11-agency-first"
    assert _decide(registry, load={"O-AGY": 8}).office_id == "O-GEN"


def test_without_nearest_tier_preference_reachable_tiers_are_ranked_together() -> None:
    pooled = Policy(version="test-pooled", prefer_nearest_tier=False)
    registry = registry_of(issue("O-CITY"), issue("O-PROV", region=REY))
    decision = _decide(registry, load={"O-CITY": 9}, policy=pooled)
    assert decision.office_id == "O-PROV"
    assert {c.tier for c in decision.candidates} == {Tier.CITY, Tier.PROVINCE}


def test_an_eligible_preferred_office_is_honoured_even_in_a_farther_tier() -> None:
    registry = registry_of(issue("O-CITY"), issue("O-PROV", region=REY))
    decision = _decide(registry, request(preferred="O-PROV"), load={"O-PROV": 9})
    assert decision.office_id == "O-PROV"
    assert decision.preferred == PreferredOutcome("O-PROV", honoured=True)


def test_an_ineligible_preferred_office_is_recorded_with_its_reason() -> None:
    registry = registry_of(issue("O-1"), issue("O-2"), SuspendLicence("O-2", "audit"))
    decision = _decide(registry, request(preferred="O-2"))
    assert decision.office_id == "O-1"
    assert decision.preferred is not None
    assert not decision.preferred.honoured
    assert decision.preferred.reason is ExclusionReason.LICENCE_SUSPENDED
    assert [(e.office_id, e.reason) for e in decision.exclusions] == [
        ("O-2", ExclusionReason.LICENCE_SUSPENDED)
    ]


def test_an_unknown_preferred_office_is_recorded_and_routing_continues() -> None:
    decision = _decide(registry_of(issue("O-1")), request(preferred="O-404"))
    assert decision.office_id == "O-1"
    assert decision.preferred is not None
    assert decision.preferred.reason is ExclusionReason.OFFICE_UNKNOWN


def test_an_office_that_rejected_the_request_is_skipped_on_the_next_attempt() -> None:
    registry = registry_of(issue("O-1"), issue("O-2"))
    first = _decide(registry)
    assert first.office_id is not None
    retry = request(attempt=2, excluded={first.office_id: ExclusionReason.PREVIOUSLY_REJECTED})
    second = _decide(registry, retry)
    assert second.office_id not in {None, first.office_id}
    assert second.assignment_id != first.assignment_id


def test_explain_office_ranks_an_eligible_office_within_its_tier() -> None:
    registry = registry_of(issue("O-1"), issue("O-2"))
    decision = _decide(registry, load={"O-1": 3})
    answer = explain_office(request(), catalog_of(), registry, {"O-1": 3}, CURRENT_POLICY, "O-1")
    assert isinstance(answer, Candidate)
    assert answer == decision.candidates[1]


def test_a_city_only_service_with_only_province_offices_is_unroutable_but_widening_helps() -> None:
    registry = registry_of(issue("O-PROV", region=REY))
    decision = _decide(registry, reach=Reach.CITY)
    assert decision.outcome is Outcome.UNROUTABLE
    assert decision.widening_would_help is True
    assert decision.office_id is None
    assert decision.assignment_id is None
    assert [(e.office_id, e.reason) for e in decision.exclusions] == [
        ("O-PROV", ExclusionReason.REGION_OUT_OF_REACH)
    ]


def test_widening_would_not_help_when_offices_beyond_reach_are_ineligible_anyway() -> None:
    registry = registry_of(issue("O-PROV", region=REY), SuspendLicence("O-PROV", "audit"))
    decision = _decide(registry, reach=Reach.CITY)
    assert decision.outcome is Outcome.UNROUTABLE
    assert decision.widening_would_help is False
    assert [e.reason for e in decision.exclusions] == [ExclusionReason.LICENCE_SUSPENDED]


def test_an_unroutable_decision_lists_every_considered_office_with_its_reason() -> None:
    registry = registry_of(
        issue("O-FULL", capacity=1),
        agency_office("O-SUSP"),
        SuspendLicence("O-SUSP", "audit"),
        issue("O-REJ"),
    )
    req = request(excluded={"O-REJ": ExclusionReason.PREVIOUSLY_REJECTED}, attempt=2)
    decision = _decide(registry, req, load={"O-FULL": 1})
    assert decision.outcome is Outcome.UNROUTABLE
    assert [(e.office_id, e.reason) for e in decision.exclusions] == [
        ("O-FULL", ExclusionReason.CAPACITY_EXHAUSTED),
        ("O-REJ", ExclusionReason.PREVIOUSLY_REJECTED),
        ("O-SUSP", ExclusionReason.LICENCE_SUSPENDED),
    ]
    assert decision.widening_would_help is False
