"""A synthetic router log, built in memory from the contract models (for benches and tests).

A catalog of services of several agencies, a few thousand offices of both kinds over
31 provinces x 10 cities, then N requests with a clock tick every `tick_every`
requests. Every event is serialised with `contracts.registry.to_bytes`, exactly as it
would sit on the router-log topic.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from contracts.catalog import ServiceDefined
from contracts.clock import ClockTicked
from contracts.licences import LicenceIssued, LicenceScope
from contracts.national_id import check_digit
from contracts.region import Region
from contracts.registry import new_envelope, to_bytes
from contracts.requests import RequestSubmitted

START = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
AGENCIES = tuple(f"agency-{i:02d}" for i in range(10))
REACHES = ("city", "city", "province", "national")


def _city(rng: random.Random) -> Region:
    province = f"{rng.randrange(1, 32):02d}"
    return Region(province=province, city=f"{province}-{rng.randrange(1, 11):03d}")


def _national_id(n: int) -> str:
    digits = f"{100000000 + n * 7919 % 800000000:09d}"[:9]
    return digits + str(check_digit(digits))


def build_log(*, offices: int = 2000, requests: int = 5000, services: int = 50,
              tick_every: int = 50, seed: int = 1) -> tuple[list[bytes], int]:
    """(router-log records, number of requests)."""
    rng = random.Random(seed)
    log: list[bytes] = []

    def put(payload: object, at: datetime) -> None:
        envelope = new_envelope(payload, producer="bench", occurred_at=at,  # type: ignore[type-var]
                                event_id=_uuid(rng))
        log.append(to_bytes(envelope))

    codes: list[str] = []
    for i in range(services):
        code = f"SVC-{i:03d}"
        codes.append(code)
        put(ServiceDefined(
            service_code=code, agency=AGENCIES[i % len(AGENCIES)], name=f"Service {code}",
            delegated_to_general=i % 5 != 0, branch=None, inquiries=(),
            acceptance_sla_seconds=7 * 86400, fulfilment_sla_seconds=30 * 86400,
            inquiry_sla_seconds=3600, reach=REACHES[i % len(REACHES)]), START)
    for i in range(offices):
        agency = i % 5 == 0
        put(LicenceIssued(
            office_id=f"{'AGN' if agency else 'GEN'}-{i:05d}", licence_id=f"LIC-{i:05d}",
            kind="agency" if agency else "general",
            agency=AGENCIES[i % len(AGENCIES)] if agency else None,
            scope=LicenceScope(services=(), all_delegated=True, branches=()),
            region=_city(rng), valid_from=START - timedelta(days=30),
            valid_to=START + timedelta(days=365), capacity=rng.randrange(5, 60)), START)
    now = START
    for i in range(requests):
        if i % tick_every == 0:
            now += timedelta(minutes=1)
            put(ClockTicked(now=now), now)
        put(RequestSubmitted(
            request_id=f"REQ-BENCH-{i:07d}", service_code=rng.choice(codes),
            citizen_national_id=_national_id(i), region=_city(rng), channel="web",
            preferred_office=None, submitted_at=now), now)
    return log, requests


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
