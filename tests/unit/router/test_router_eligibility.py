"""Every eligibility rule, with its reason code and a detail a person can read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest
from router_builders import (
    ISFAHAN,
    REY,
    T0,
    agency_office,
    catalog_of,
    issue,
    registry_of,
    request,
    service,
)

from router import (
    CURRENT_POLICY,
    AmendLicence,
    Candidate,
    Catalog,
    Exclusion,
    ExclusionReason,
    IssueLicence,
    LicenceCommand,
    OfficeRegistry,
    Reach,
    ReinstateLicence,
    RevokeLicence,
    RoutingRequest,
    Scope,
    SuspendLicence,
    explain_office,
)

R = ExclusionReason


def _explain(
    registry: OfficeRegistry,
    office_id: str = "O-1",
    *,
    req: RoutingRequest | None = None,
    catalog: Catalog | None = None,
    load: Mapping[str, int] | None = None,
) -> Exclusion | Candidate:
    return explain_office(
        req or request(), catalog or catalog_of(), registry, load or {}, CURRENT_POLICY, office_id
    )


def _reason(*commands: LicenceCommand, **kwargs: object) -> ExclusionReason | None:
    answer = _explain(registry_of(*commands), **kwargs)  # type: ignore[arg-type]
    return answer.reason if isinstance(answer, Exclusion) else None


def test_an_active_licence_in_scope_and_in_town_is_eligible() -> None:
    answer = _explain(registry_of(issue("O-1")))
    assert isinstance(answer, Candidate)
    assert answer.rank == 1


def test_an_office_without_a_licence_is_office_unknown() -> None:
    answer = _explain(registry_of(issue("O-1")), "O-404")
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.OFFICE_UNKNOWN
    assert answer.detail


def test_a_suspended_licence_is_excluded_with_the_suspension_reason() -> None:
    answer = _explain(registry_of(issue("O-1"), SuspendLicence("O-1", "audit pending")))
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.LICENCE_SUSPENDED
    assert "audit pending" in answer.detail


def test_a_suspended_then_reinstated_licence_is_eligible_again() -> None:
    reason = _reason(issue("O-1"), SuspendLicence("O-1", "audit"), ReinstateLicence("O-1"))
    assert reason is None


def test_a_revoked_licence_is_excluded() -> None:
    assert _reason(issue("O-1"), RevokeLicence("O-1", "fraud")) is R.LICENCE_REVOKED


def test_the_validity_window_includes_valid_from() -> None:
    assert _reason(issue("O-1", valid_from=T0)) is None


def test_a_licence_starting_a_microsecond_later_is_not_yet_valid() -> None:
    later = T0 + timedelta(microseconds=1)
    answer = _explain(registry_of(issue("O-1", valid_from=later)))
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.LICENCE_NOT_YET_VALID


def test_the_validity_window_excludes_valid_to() -> None:
    answer = _explain(registry_of(issue("O-1", valid_to=T0)))
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.LICENCE_EXPIRED
    assert answer.detail == (
        "valid_to 2026-11-27T10:05:00Z is not after submitted_at 2026-11-27T10:05:00Z"
    )


def test_a_licence_ending_a_microsecond_later_is_still_valid() -> None:
    assert _reason(issue("O-1", valid_to=T0 + timedelta(microseconds=1))) is None


def test_an_agency_office_asked_for_another_agencys_service_is_excluded() -> None:
    answer = _explain(registry_of(agency_office("O-1", agency="tax")))
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.SERVICE_OF_OTHER_AGENCY
    assert "tax" in answer.detail
    assert "police" in answer.detail


def test_an_agency_office_with_all_delegated_covers_all_its_agencys_services() -> None:
    own = service("S-OWN", delegated=False)
    assert _reason(agency_office("O-1"), req=request("S-OWN"), catalog=catalog_of(own)) is None


def test_an_agency_office_without_all_delegated_covers_only_listed_services() -> None:
    office = agency_office("O-1", all_delegated=False, services={"S-OTHER"})
    assert _reason(office) is R.SERVICE_NOT_IN_SCOPE
    listed = agency_office("O-1", all_delegated=False, services={"S-PASSPORT"})
    assert _reason(listed) is None


def test_a_general_office_may_not_deliver_a_non_delegated_service() -> None:
    deed = service("S-DEED", delegated=False)
    answer = _explain(registry_of(issue("O-1")), req=request("S-DEED"), catalog=catalog_of(deed))
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.SERVICE_NOT_DELEGATED


def test_a_general_office_listing_a_non_delegated_service_explicitly_may_deliver_it() -> None:
    deed = service("S-DEED", delegated=False)
    office = issue("O-1", all_delegated=False, services={"S-DEED"})
    assert _reason(office, req=request("S-DEED"), catalog=catalog_of(deed)) is None


def test_a_general_office_without_all_delegated_needs_the_service_listed() -> None:
    assert _reason(issue("O-1", all_delegated=False)) is R.SERVICE_NOT_IN_SCOPE


def _amended_scope(services: set[str], all_delegated: bool) -> AmendLicence:
    return AmendLicence(
        "O-1",
        "L-2",
        Scope(frozenset(services), all_delegated, frozenset()),
        REY,
        T0 - timedelta(days=1),
        T0 + timedelta(days=1),
        10,
    )


def test_amending_the_scope_to_add_a_service_makes_the_office_eligible() -> None:
    start = issue("O-1", all_delegated=False, region=REY)
    assert _reason(start) is R.SERVICE_NOT_IN_SCOPE
    assert _reason(start, _amended_scope({"S-PASSPORT"}, False)) is None


def test_amending_the_scope_to_remove_a_service_excludes_the_office() -> None:
    start = issue("O-1", all_delegated=False, services={"S-PASSPORT"}, region=REY)
    assert _reason(start) is None
    assert _reason(start, _amended_scope(set(), False)) is R.SERVICE_NOT_IN_SCOPE


def test_amending_the_region_out_of_reach_excludes_the_office() -> None:
    city_only = service(reach=Reach.CITY)
    moved = AmendLicence("O-1", "L-2", Scope(all_delegated=True), ISFAHAN, T0, T0 + timedelta(1), 5)
    assert _reason(issue("O-1"), catalog=catalog_of(city_only)) is None
    assert _reason(issue("O-1"), moved, catalog=catalog_of(city_only)) is R.REGION_OUT_OF_REACH


@pytest.mark.parametrize("kind", ["general", "agency"])
def test_a_branch_service_needs_the_branch_in_the_licence(kind: str) -> None:
    judicial = catalog_of(service("S-JUD", branch="judicial"))
    make = issue if kind == "general" else agency_office
    without: IssueLicence = make("O-1", services={"S-JUD"})
    with_branch: IssueLicence = make("O-1", services={"S-JUD"}, branches={"judicial"})
    assert _reason(without, req=request("S-JUD"), catalog=judicial) is R.BRANCH_NOT_LICENSED
    assert _reason(with_branch, req=request("S-JUD"), catalog=judicial) is None


@pytest.mark.parametrize(
    ("reach", "region", "expected"),
    [
        (Reach.CITY, REY, R.REGION_OUT_OF_REACH),
        (Reach.PROVINCE, REY, None),
        (Reach.PROVINCE, ISFAHAN, R.REGION_OUT_OF_REACH),
        (Reach.NATIONAL, ISFAHAN, None),
    ],
)
def test_reach_decides_which_tiers_a_service_may_use(
    reach: Reach, region: object, expected: ExclusionReason | None
) -> None:
    office = issue("O-1", region=region)  # type: ignore[arg-type]
    assert _reason(office, catalog=catalog_of(service(reach=reach))) is expected


def test_an_office_at_capacity_is_excluded() -> None:
    answer = _explain(registry_of(issue("O-1", capacity=2)), load={"O-1": 2})
    assert isinstance(answer, Exclusion)
    assert answer.reason is R.CAPACITY_EXHAUSTED
    assert answer.detail == "load 2 has reached capacity 2"


def test_an_office_one_below_capacity_is_eligible() -> None:
    assert _reason(issue("O-1", capacity=2), load={"O-1": 1}) is None


def test_a_zero_capacity_licence_is_always_exhausted() -> None:
    assert _reason(issue("O-1", capacity=0)) is R.CAPACITY_EXHAUSTED


@pytest.mark.parametrize("prior", [R.PREVIOUSLY_REJECTED, R.PREVIOUSLY_TIMED_OUT])
def test_an_office_that_already_failed_this_request_is_excluded(prior: ExclusionReason) -> None:
    req = request(excluded={"O-1": prior}, attempt=2)
    assert _reason(issue("O-1"), req=req) is prior


def test_every_reason_code_is_produced_by_some_test_above() -> None:
    deed = catalog_of(service("S-D", delegated=False))
    branch = catalog_of(service("S-B", branch="b"))
    province = catalog_of(service(reach=Reach.PROVINCE))
    produced = {
        _reason(issue("O-1"), RevokeLicence("O-1", "x")),
        _reason(issue("O-1"), SuspendLicence("O-1", "x")),
        _reason(issue("O-1", valid_from=T0 + timedelta(1))),
        _reason(issue("O-1", valid_to=T0)),
        _reason(issue("O-1"), req=request("S-D"), catalog=deed),
        _reason(agency_office("O-1", agency="tax")),
        _reason(issue("O-1", all_delegated=False)),
        _reason(issue("O-1", services={"S-B"}), req=request("S-B"), catalog=branch),
        _reason(issue("O-1", region=ISFAHAN), catalog=province),
        _reason(issue("O-1", capacity=0)),
        _reason(issue("O-1"), req=request(excluded={"O-1": R.PREVIOUSLY_REJECTED})),
        _reason(issue("O-1"), req=request(excluded={"O-1": R.PREVIOUSLY_TIMED_OUT})),
        _reason(issue("O-2")),
    }
    assert produced == set(ExclusionReason)
