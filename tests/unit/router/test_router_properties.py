"""Properties over random registries and requests, checked against brute force."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from router_builders import T0, agency_office, issue, registry_of, request, service

from router import (
    CURRENT_POLICY,
    POLICIES,
    Candidate,
    Catalog,
    Decision,
    ExclusionReason,
    LicenceCommand,
    OfficeKind,
    OfficeRegistry,
    Outcome,
    Policy,
    Reach,
    Region,
    RevokeLicence,
    RoutingRequest,
    SuspendLicence,
    decide,
    explain_office,
)
from router.eligibility import RuleContext, first_failure, is_eligible
from router.regions import TIERS, tier_between
from router.selection import projected_score, tie_break

REGIONS = [Region(p, c) for p in ("P1", "P2") for c in ("C1", "C2")]
AGENCIES = ["police", "tax"]
CATALOG = Catalog.of(
    service("S-POL", agency="police", reach=Reach.NATIONAL),
    service("S-TAX", agency="tax", delegated=False, reach=Reach.PROVINCE),
    service("S-JUD", agency="police", branch="judicial", reach=Reach.CITY),
)
POLICY_LIST = [*POLICIES.values(), Policy(version="pooled", prefer_nearest_tier=False)]


@st.composite
def office_commands(draw: st.DrawFn, office_id: str) -> list[LicenceCommand]:
    kind = draw(st.sampled_from(OfficeKind))
    start = T0 + timedelta(hours=draw(st.integers(-3, 1)))
    fields = {
        "services": draw(st.frozensets(st.sampled_from(list(CATALOG)), max_size=2)),
        "all_delegated": draw(st.booleans()),
        "branches": draw(st.frozensets(st.just("judicial"), max_size=1)),
        "region": draw(st.sampled_from(REGIONS)),
        "valid_from": start,
        "valid_to": start + timedelta(hours=draw(st.integers(1, 5))),
        "capacity": draw(st.integers(0, 3)),
    }
    if kind is OfficeKind.AGENCY:
        first: LicenceCommand = agency_office(office_id, draw(st.sampled_from(AGENCIES)), **fields)
    else:
        first = issue(office_id, **fields)  # type: ignore[arg-type]
    then = draw(st.sampled_from(["none", "none", "suspend", "revoke"]))
    follow = {
        "suspend": [SuspendLicence(office_id, "audit")],
        "revoke": [RevokeLicence(office_id, "x")],
    }
    return [first, *follow.get(then, [])]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy]:
    ids = [f"O-{i}" for i in range(draw(st.integers(0, 10)))]
    registry = registry_of(*(c for o in ids for c in draw(office_commands(o))))
    load = {o: draw(st.integers(0, 3)) for o in ids if draw(st.booleans())}
    pool = [*ids, "O-404"]
    req = RoutingRequest(
        request_id=draw(st.text("abcdef0123", min_size=1, max_size=6)),
        service_code=draw(st.sampled_from(list(CATALOG))),
        region=draw(st.sampled_from(REGIONS)),
        submitted_at=T0,
        preferred_office=draw(st.none() | st.sampled_from(pool)),
        attempt=draw(st.integers(1, 3)),
        excluded=draw(
            st.dictionaries(
                st.sampled_from(pool),
                st.sampled_from(
                    [ExclusionReason.PREVIOUSLY_REJECTED, ExclusionReason.PREVIOUSLY_TIMED_OUT]
                ),
                max_size=2,
            )
        ),
    )
    return registry, req, load, draw(st.sampled_from(POLICY_LIST))


def _brute_force_eligible(
    registry: OfficeRegistry,
    req: RoutingRequest,
    load: Mapping[str, int],
    *,
    ignore_reach: bool = False,
) -> list[str]:
    ctx = RuleContext(req, CATALOG[req.service_code], load)
    return [
        lic.office_id
        for lic in registry
        if first_failure(ctx, lic, ignore_reach=ignore_reach) is None
    ]


def _decide(
    registry: OfficeRegistry, req: RoutingRequest, load: Mapping[str, int], policy: Policy
) -> Decision:
    return decide(req, CATALOG, registry, load, policy)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_the_chosen_office_is_always_eligible(
    scenario: tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy],
) -> None:
    registry, req, load, policy = scenario
    decision = _decide(registry, req, load, policy)
    if decision.office_id is None:
        return
    answer = explain_office(req, CATALOG, registry, load, policy, decision.office_id)
    assert isinstance(answer, Candidate)
    honoured = decision.preferred is not None and decision.preferred.honoured
    if not honoured:
        assert answer.rank == 1
        assert answer == decision.candidates[0]


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_decisions_are_deterministic(
    scenario: tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy],
) -> None:
    registry, req, load, policy = scenario
    assert (
        _decide(registry, req, load, policy).to_dict()
        == _decide(registry, req, dict(load), policy).to_dict()
    )


@settings(max_examples=250, deadline=None)
@given(scenarios())
def test_routable_iff_some_office_is_eligible_and_the_nearest_tier_wins(
    scenario: tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy],
) -> None:
    registry, req, load, policy = scenario
    decision = _decide(registry, req, load, policy)
    eligible = _brute_force_eligible(registry, req, load)
    assert (decision.outcome is Outcome.ASSIGNED) == bool(eligible)
    if decision.outcome is Outcome.UNROUTABLE:
        wider = _brute_force_eligible(registry, req, load, ignore_reach=True)
        assert decision.widening_would_help == bool(wider)
        return
    assert decision.office_id in eligible
    if decision.preferred is not None and decision.preferred.honoured:
        assert decision.office_id == req.preferred_office
        return
    assert decision.office_id == _brute_force_choice(registry, req, load, policy, eligible)


def _brute_force_choice(
    registry: OfficeRegistry,
    req: RoutingRequest,
    load: Mapping[str, int],
    policy: Policy,
    eligible: list[str],
) -> str:
    def tier_rank(office_id: str) -> int:
        lic = registry.get(office_id)
        assert lic is not None
        return TIERS.index(tier_between(req.region, lic.region))

    nearest = min(map(tier_rank, eligible))
    pool = (
        [o for o in eligible if tier_rank(o) == nearest] if policy.prefer_nearest_tier else eligible
    )

    def key(office_id: str) -> tuple[float, str]:
        lic = registry.get(office_id)
        assert lic is not None
        weight = policy.weight_of(lic.kind)
        return projected_score(load.get(office_id, 0), lic.capacity, weight), tie_break(
            req.request_id, office_id
        )

    return min(pool, key=key)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_every_considered_office_is_either_a_candidate_or_an_exclusion(
    scenario: tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy],
) -> None:
    registry, req, load, policy = scenario
    decision = _decide(registry, req, load, policy)
    candidates = [c.office_id for c in decision.candidates]
    excluded = [e.office_id for e in decision.exclusions]
    assert len(set(candidates + excluded)) == len(candidates) + len(excluded)
    for exclusion in decision.exclusions:
        answer = explain_office(req, CATALOG, registry, load, policy, exclusion.office_id)
        assert answer == exclusion


@settings(max_examples=20, deadline=None)
@given(
    capacities=st.lists(st.integers(5, 60), min_size=2, max_size=5),
    fill=st.floats(0.3, 1.0),
)
def test_assignments_follow_capacity_shares_without_kind_bias(
    capacities: list[int], fill: float
) -> None:
    commands = [
        maker(f"{kind}-{i}", capacity=cap)
        for i, cap in enumerate(capacities)
        for kind, maker in (("G", issue), ("A", agency_office))
    ]
    registry = registry_of(*commands)
    total = 2 * sum(capacities)
    n = int(total * fill)
    load: Counter[str] = Counter()
    for k in range(n):
        decision = decide(
            request(request_id=f"R-{k}"), Catalog.of(service()), registry, load, CURRENT_POLICY
        )
        assert decision.office_id is not None
        load[decision.office_id] += 1
    for i, cap in enumerate(capacities):
        share = n * cap / total
        for kind in "GA":
            assert abs(load[f"{kind}-{i}"] - share) <= 1 + 0.03 * share
    by_kind = Counter(office[0] for office in load.elements())
    assert abs(by_kind["G"] - by_kind["A"]) <= len(capacities)


def test_a_long_run_over_equal_offices_of_both_kinds_is_even() -> None:
    registry = registry_of(
        *(issue(f"G-{i}", capacity=100) for i in range(5)),
        *(agency_office(f"A-{i}", capacity=300) for i in range(5)),
    )
    load: Counter[str] = Counter()
    for k in range(1600):
        decision = decide(
            request(request_id=f"R-{k}"), Catalog.of(service()), registry, load, CURRENT_POLICY
        )
        assert decision.office_id is not None
        load[decision.office_id] += 1
    # 1,600 requests over capacity 5 x 100 + 5 x 300 = 2,000: 80 and 240 each.
    assert all(abs(load[f"G-{i}"] - 80) <= 1 for i in range(5))
    assert all(abs(load[f"A-{i}"] - 240) <= 1 for i in range(5))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_the_fast_eligibility_check_agrees_with_the_rules(
    scenario: tuple[OfficeRegistry, RoutingRequest, dict[str, int], Policy],
) -> None:
    registry, req, load, _ = scenario
    ctx = RuleContext(req, CATALOG[req.service_code], load)
    for licence in registry:
        assert is_eligible(ctx, licence) == (first_failure(ctx, licence) is None)
