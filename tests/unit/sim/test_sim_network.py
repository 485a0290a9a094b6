"""The sample network: deterministic, valid against the contracts, and varied."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from contracts.events import ENVELOPE_BY_PAYLOAD
from contracts.licences import LicenceRevoked, LicenceSuspended
from contracts.registry import new_envelope, parse_event, to_bytes
from sim.network import DEFAULT_DAY_START, Network, build_network

DAY = DEFAULT_DAY_START


@pytest.fixture(scope="module")
def network() -> Network:
    return build_network()


def test_the_same_seed_builds_the_same_network() -> None:
    assert build_network(seed=5, offices=120) == build_network(seed=5, offices=120)


def test_another_seed_builds_another_network() -> None:
    assert build_network(seed=5).licences != build_network(seed=6).licences


def test_every_event_survives_the_contract_round_trip(network: Network) -> None:
    payloads = [*network.services, *(e.payload for e in network.licence_events())]
    for payload in payloads:
        envelope = new_envelope(payload, producer="sim", occurred_at=DAY)
        parsed = parse_event(to_bytes(envelope))
        assert isinstance(parsed, ENVELOPE_BY_PAYLOAD[type(payload)])
        assert parsed.payload == payload


def test_the_catalog_spans_six_agencies_and_about_forty_services(network: Network) -> None:
    services = network.services
    assert 35 <= len(services) <= 45
    assert len({s.agency for s in services}) == 6
    assert len({s.service_code for s in services}) == len(services)


def test_the_catalog_mixes_delegation_inquiries_branches_and_reach(network: Network) -> None:
    services = network.services
    assert Counter(s.delegated_to_general for s in services).keys() == {True, False}
    assert sum(1 for s in services if s.inquiries) >= 10
    assert sum(1 for s in services if not s.inquiries) >= 3
    assert {s.branch for s in services} >= {"judicial", "social-security", None}
    assert {s.reach for s in services} == {"city", "province", "national"}
    kinds = {(i.kind, i.agency) for s in services for i in s.inquiries}
    assert ("identity", "civil-registry") in kinds
    assert ("ownership", "land-registry") in kinds
    assert len({s.acceptance_sla_seconds for s in services}) >= 3


def test_offices_are_about_seventy_percent_general(network: Network) -> None:
    kinds = Counter(lic.kind for lic in network.licences)
    assert len(network.licences) == 300
    assert 0.6 <= kinds["general"] / 300 <= 0.8
    assert all(lic.agency is None for lic in network.licences if lic.kind == "general")
    agencies = {lic.agency for lic in network.licences if lic.kind == "agency"}
    assert len(agencies) == 6


def test_offices_spread_over_eight_provinces_weighted_to_tehran(network: Network) -> None:
    provinces = Counter(lic.region.province for lic in network.licences)
    assert set(provinces) <= {p.code for p in network.provinces}
    assert len(network.provinces) == 8
    assert provinces.most_common(1)[0][0] == "23"
    assert all(3 <= len(p.cities) <= 6 for p in network.provinces)


def test_capacities_vary_within_three_to_forty(network: Network) -> None:
    capacities = [lic.capacity for lic in network.licences]
    assert min(capacities) >= 3
    assert max(capacities) <= 40
    assert len(set(capacities)) > 10


def test_a_few_licences_expire_or_start_during_the_day(network: Network) -> None:
    day_end = DAY + timedelta(days=1)
    expiring = [lic for lic in network.licences if DAY < lic.valid_to < day_end]
    starting = [lic for lic in network.licences if DAY < lic.valid_from < day_end]
    assert 1 <= len(expiring) <= 30
    assert 1 <= len(starting) <= 30


def test_the_day_schedules_suspensions_a_reinstatement_revocations_and_an_amendment(
    network: Network,
) -> None:
    kinds = Counter(type(e.payload).__name__ for e in network.schedule)
    assert kinds["LicenceSuspended"] >= 3
    assert kinds["LicenceReinstated"] == 1
    assert 1 <= kinds["LicenceRevoked"] <= 2
    assert kinds["LicenceAmended"] == 1
    times = [e.at for e in network.schedule]
    assert times == sorted(times)
    assert all(DAY + timedelta(hours=8) <= t <= DAY + timedelta(hours=18) for t in times)


def test_a_reinstated_office_was_suspended_earlier(network: Network) -> None:
    (reinstated,) = [e for e in network.schedule if type(e.payload).__name__ == "LicenceReinstated"]
    suspended = [
        e
        for e in network.schedule
        if isinstance(e.payload, LicenceSuspended)
        and e.payload.office_id == reinstated.payload.office_id
    ]
    assert suspended
    assert suspended[0].at < reinstated.at


def test_revoked_offices_exist_in_the_network(network: Network) -> None:
    ids = {lic.office_id for lic in network.licences}
    revoked = [e.payload for e in network.schedule if isinstance(e.payload, LicenceRevoked)]
    assert revoked
    assert all(r.office_id in ids for r in revoked)


def test_timestamps_follow_the_given_day_start() -> None:
    day = datetime(2025, 3, 1, tzinfo=UTC)
    network = build_network(offices=50, day_start=day)
    assert all(day < e.at < day + timedelta(days=1) for e in network.schedule)


def test_a_naive_day_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        build_network(day_start=datetime(2025, 3, 1))
