"""A day of requests: deterministic, valid, with a realistic daily curve and mix."""

from __future__ import annotations

from collections import Counter

import pytest

from contracts.national_id import is_valid_national_id
from contracts.registry import new_envelope, parse_event, to_bytes
from contracts.requests import RequestSubmitted
from sim.network import DEFAULT_DAY_START, Network, build_network
from sim.requests import daily_requests

DAY = DEFAULT_DAY_START


@pytest.fixture(scope="module")
def network() -> Network:
    return build_network()


@pytest.fixture(scope="module")
def day(network: Network) -> list[RequestSubmitted]:
    return daily_requests(network, DAY, count=6000, seed=3)


def _hours(requests: list[RequestSubmitted]) -> Counter[int]:
    return Counter(r.submitted_at.astimezone(DAY.tzinfo).hour for r in requests)


def test_the_same_seed_gives_the_same_day(network: Network) -> None:
    assert daily_requests(network, DAY, 300, seed=9) == daily_requests(network, DAY, 300, seed=9)


def test_another_seed_gives_another_day(network: Network) -> None:
    assert daily_requests(network, DAY, 300, seed=9) != daily_requests(network, DAY, 300, seed=10)


def test_every_request_is_valid_against_the_contract(day: list[RequestSubmitted]) -> None:
    for request in day:
        envelope = new_envelope(request, producer="sim", occurred_at=request.submitted_at)
        assert parse_event(to_bytes(envelope)).payload == request


def test_citizens_have_valid_national_ids(day: list[RequestSubmitted]) -> None:
    assert all(is_valid_national_id(r.citizen_national_id) for r in day)
    assert len({r.citizen_national_id for r in day}) > 5900


def test_request_ids_are_unique_and_time_ordered(day: list[RequestSubmitted]) -> None:
    assert len({r.request_id for r in day}) == len(day)
    assert [r.submitted_at for r in day] == sorted(r.submitted_at for r in day)


def test_the_morning_peak_dwarfs_the_night(day: list[RequestSubmitted]) -> None:
    hours = _hours(day)
    assert hours[10] > 20 * max(hours[3], 1)
    assert hours[10] == max(hours.values())


def test_lunch_dips_between_the_two_peaks(day: list[RequestSubmitted]) -> None:
    hours = _hours(day)
    assert hours[13] < hours[10]
    assert hours[13] < hours[15]
    assert hours[15] > hours[19] > hours[2]


def test_regions_follow_population(day: list[RequestSubmitted], network: Network) -> None:
    provinces = Counter(r.region.province for r in day)
    assert provinces.most_common(1)[0][0] == "23"
    assert set(provinces) == {p.code for p in network.provinces}


def test_the_service_mix_is_weighted(day: list[RequestSubmitted], network: Network) -> None:
    mix = Counter(r.service_code for r in day)
    assert mix["CIV-101"] > 5 * mix["CIV-107"]
    assert len(mix) >= 35
    delegated = {s.service_code for s in network.services if s.delegated_to_general}
    assert 0 < sum(mix[c] for c in delegated) < len(day)


def test_some_requests_prefer_an_office_and_a_few_cannot_have_it(
    day: list[RequestSubmitted], network: Network
) -> None:
    preferred = [r for r in day if r.preferred_office is not None]
    assert 0.04 * len(day) < len(preferred) < 0.15 * len(day)
    offices = {lic.office_id: lic for lic in network.licences}
    assert all(r.preferred_office in offices for r in preferred)
    other_agency = [
        r
        for r in preferred
        if offices[r.preferred_office].kind == "agency"  # type: ignore[index]
        and offices[r.preferred_office].agency != network.service(r.service_code).agency  # type: ignore[index]
    ]
    assert other_agency, "some preferences should be ineligible on purpose"


def test_channels_are_mixed(day: list[RequestSubmitted]) -> None:
    channels = Counter(r.channel for r in day)
    assert set(channels) == {"web", "app", "counter", "kiosk"}
    assert channels["web"] > channels["kiosk"]
