"""`daily_requests`: one day of citizens' requests with a realistic shape.

A quiet night, a morning peak around 10:00, a lunch dip, an afternoon peak and an evening
tail; citizens with valid national ids; regions weighted by population; a service mix
weighted by demand; some preferred offices, a few of them ineligible on purpose.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Final

from contracts.licences import LicenceIssued
from contracts.national_id import check_digit
from contracts.requests import Channel, RequestSubmitted
from sim.network import Network
from sim.services import service_demand

# relative requests per hour of the day (local time of day_start)
HOURLY_CURVE: Final = (
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.8, 3.0, 7.0, 10.0, 12.0, 10.5,
    6.0, 4.5, 7.5, 9.0, 8.0, 5.5, 3.5, 2.5, 1.8, 1.2, 0.8, 0.5,
)  # fmt: skip
CHANNELS: Final[tuple[tuple[Channel, float], ...]] = (
    ("web", 0.45), ("app", 0.30), ("counter", 0.20), ("kiosk", 0.05),
)  # fmt: skip
PREFERRED_SHARE: Final = 0.08  # requests naming a preferred office
INELIGIBLE_SHARE: Final = 0.2  # of those, deliberately naming an office that cannot serve


def national_id(rng: random.Random) -> str:
    """A random national id with a valid check digit (never one digit repeated)."""
    while True:
        first = f"{rng.randrange(10**9):09d}"
        candidate = first + str(check_digit(first))
        if len(set(candidate)) > 1:
            return candidate


def _moment(rng: random.Random, day_start: datetime) -> datetime:
    hour = rng.choices(range(24), weights=HOURLY_CURVE)[0]
    return day_start + timedelta(hours=hour, seconds=rng.randrange(3600))


def _could_serve(licence: LicenceIssued, service_code: str, network: Network) -> bool:
    service = network.service(service_code)
    scope = licence.scope
    if licence.kind == "agency" and licence.agency != service.agency:
        return False
    listed = service_code in scope.services
    covered = scope.all_delegated and (service.delegated_to_general or licence.kind == "agency")
    branch_ok = service.branch is None or service.branch in scope.branches
    return (listed or covered) and branch_ok


def _preferred(rng: random.Random, network: Network, service_code: str, city: str) -> str | None:
    if rng.random() >= PREFERRED_SHARE:
        return None
    if rng.random() < INELIGIBLE_SHARE:  # on purpose: an office that cannot serve this
        wrong = [lic for lic in network.licences if not _could_serve(lic, service_code, network)]
        return rng.choice(wrong).office_id if wrong else None
    province = city[:2]
    near = [
        lic
        for lic in network.licences
        if lic.region.province == province and _could_serve(lic, service_code, network)
    ]
    local = [lic for lic in near if lic.region.city == city] or near
    return rng.choice(local).office_id if local else None


def daily_requests(
    network: Network, day_start: datetime | None = None, count: int = 5000, seed: int = 1
) -> list[RequestSubmitted]:
    """`count` requests submitted during the day starting at `day_start`, in time order."""
    day_start = day_start or network.day_start
    rng = random.Random(seed)
    demand = service_demand()
    codes = [s.service_code for s in network.services]
    weights = [demand.get(code, 1.0) for code in codes]
    provinces = network.provinces
    channels, channel_weights = zip(*CHANNELS, strict=True)
    drafts = []
    for _ in range(count):
        province = rng.choices(provinces, weights=[p.weight for p in provinces])[0]
        city = rng.choices(province.cities, weights=[c.weight for c in province.cities])[0]
        code = rng.choices(codes, weights=weights)[0]
        drafts.append(
            (
                _moment(rng, day_start),
                code,
                city,
                rng.choices(channels, channel_weights)[0],
                national_id(rng),
                _preferred(rng, network, code, city.code),
            )
        )
    drafts.sort(key=lambda draft: draft[0])
    stamp = day_start.strftime("%Y%m%d")
    return [
        RequestSubmitted(
            request_id=f"REQ-{stamp}-{seed % 10000:04d}-{number:06d}",
            service_code=code,
            citizen_national_id=nid,
            region=city.region,
            channel=channel,
            preferred_office=preferred,
            submitted_at=moment,
        )
        for number, (moment, code, city, channel, nid, preferred) in enumerate(drafts, start=1)
    ]
