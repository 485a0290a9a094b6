"""`build_network`: a realistic sample network of offices and licences for one day.

About 70% general counter offices and 30% agency offices spread over eight provinces by
population, capacities 3..40, most licences valid all day but a few expiring or starting
mid-day, and a schedule of the day's licence events (suspensions, a reinstatement, a
revocation or two, an amendment). Deterministic for a seed; nothing is downloaded.

`python -m sim.network --out DIR` writes catalog.jsonl, licences.jsonl, requests.jsonl.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Final

from contracts.catalog import ServiceDefined
from contracts.licences import (
    LicenceAmended,
    LicenceIssued,
    LicenceReinstated,
    LicenceRevoked,
    LicenceScope,
    LicenceSuspended,
)
from sim.geography import PROVINCES, City, Province
from sim.services import AGENCIES, BRANCH_OF_AGENCY, OFFICE_PREFIX, service_catalog

DEFAULT_SEED: Final = 20261127
GENERAL_SHARE: Final = 0.7
TEHRAN_TIME: Final = timezone(timedelta(hours=3, minutes=30))
DEFAULT_DAY_START: Final = datetime(2026, 11, 27, tzinfo=TEHRAN_TIME)
LicenceChange = LicenceAmended | LicenceSuspended | LicenceReinstated | LicenceRevoked


@dataclass(frozen=True)
class LicenceEventAt:
    """One scheduled licence event and when (during the day) it happens."""

    at: datetime
    payload: LicenceIssued | LicenceChange


@dataclass(frozen=True)
class Network:
    """The sample network: catalog, provinces, licences at the start of the day, changes."""

    seed: int
    day_start: datetime
    services: tuple[ServiceDefined, ...]
    provinces: tuple[Province, ...]
    licences: tuple[LicenceIssued, ...]
    schedule: tuple[LicenceEventAt, ...]  # the day's changes, in time order

    def licence_events(self) -> tuple[LicenceEventAt, ...]:
        """Every licence event in time order: the issues (before the day) then the changes."""
        issued_at = self.day_start - timedelta(hours=1)
        issues = tuple(LicenceEventAt(issued_at, licence) for licence in self.licences)
        return issues + self.schedule

    def office(self, office_id: str) -> LicenceIssued:
        return next(lic for lic in self.licences if lic.office_id == office_id)

    def service(self, code: str) -> ServiceDefined:
        return next(s for s in self.services if s.service_code == code)


def _weighted_city(rng: random.Random, provinces: tuple[Province, ...]) -> City:
    province = rng.choices(provinces, weights=[p.weight for p in provinces])[0]
    return rng.choices(province.cities, weights=[c.weight for c in province.cities])[0]


def _window(rng: random.Random, day_start: datetime) -> tuple[datetime, datetime]:
    """Most licences span the day; ~3% end mid-day, ~3% start mid-day."""
    roll = rng.random()
    if roll < 0.03:
        return day_start - timedelta(days=700), day_start + timedelta(hours=rng.randint(11, 15))
    if roll < 0.06:
        return day_start + timedelta(hours=rng.randint(10, 14)), day_start + timedelta(days=730)
    start = day_start - timedelta(days=rng.randint(30, 1500))
    return start, day_start + timedelta(days=rng.randint(30, 1100))


def _general_scope(rng: random.Random, services: tuple[ServiceDefined, ...]) -> LicenceScope:
    branches = [
        b for b, share in (("judicial", 0.3), ("social-security", 0.25)) if rng.random() < share
    ]
    extra = tuple(
        s.service_code for s in services if not s.delegated_to_general and rng.random() < 0.02
    )
    return LicenceScope(services=extra, all_delegated=True, branches=tuple(branches))


def _agency_scope(
    rng: random.Random, agency: str, services: tuple[ServiceDefined, ...]
) -> LicenceScope:
    branch = BRANCH_OF_AGENCY.get(agency)
    branches = (branch,) if branch else ()
    if rng.random() < 0.75:  # the whole agency's catalog
        return LicenceScope(services=(), all_delegated=True, branches=branches)
    own = [s.service_code for s in services if s.agency == agency]
    chosen = sorted(rng.sample(own, k=max(2, len(own) // 2)))
    return LicenceScope(services=tuple(chosen), all_delegated=False, branches=branches)


def _licence(
    rng: random.Random,
    number: int,
    agency: str | None,
    city: City,
    day_start: datetime,
    services: tuple[ServiceDefined, ...],
) -> LicenceIssued:
    prefix = "GEN" if agency is None else OFFICE_PREFIX[agency]
    office_id = f"{prefix}-{number:05d}"
    valid_from, valid_to = _window(rng, day_start)
    scope = (
        _general_scope(rng, services) if agency is None else _agency_scope(rng, agency, services)
    )
    capacity = min(40, max(3, int(rng.triangular(3, 40, 12))))
    return LicenceIssued(
        office_id=office_id,
        licence_id=f"LIC-{valid_from.year}-{number:05d}",
        kind="general" if agency is None else "agency",
        agency=agency,
        scope=scope,
        region=city.region,
        valid_from=valid_from,
        valid_to=valid_to,
        capacity=capacity,
    )


def _schedule(
    rng: random.Random, licences: list[LicenceIssued], day_start: datetime
) -> list[LicenceEventAt]:
    """Mid-day suspensions (one reinstated), one or two revocations, one amendment."""

    def at(hour_lo: int, hour_hi: int) -> datetime:
        return day_start + timedelta(minutes=rng.randint(hour_lo * 60, hour_hi * 60))

    picked = rng.sample(licences, k=max(6, len(licences) // 40))
    suspended, revoked, amended = picked[:-3], picked[-3:-1], picked[-1]
    events: list[LicenceEventAt] = []
    for licence in suspended:
        events.append(
            LicenceEventAt(
                at(9, 14),
                LicenceSuspended(office_id=licence.office_id, reason=rng.choice(_SUSPENSIONS)),
            )
        )
    first = events[0]
    events.append(
        LicenceEventAt(
            first.at + timedelta(hours=2), LicenceReinstated(office_id=first.payload.office_id)
        )
    )
    for licence in revoked[: rng.randint(1, 2)]:
        events.append(
            LicenceEventAt(
                at(10, 16),
                LicenceRevoked(
                    office_id=licence.office_id,
                    reason="Licence terms breached: repeated overcharging",
                ),
            )
        )
    events.append(
        LicenceEventAt(
            at(11, 13),
            LicenceAmended(
                office_id=amended.office_id,
                licence_id=amended.licence_id,
                scope=amended.scope,
                region=amended.region,
                valid_from=amended.valid_from,
                valid_to=amended.valid_to,
                capacity=min(100, amended.capacity * 2),
            ),
        )
    )
    return sorted(events, key=lambda e: (e.at, e.payload.office_id))


_SUSPENSIONS: Final = (
    "Inspection pending",
    "Unpaid regulator fees",
    "Complaint under review",
    "Premises not accessible",
)


def build_network(
    seed: int = DEFAULT_SEED,
    offices: int = 300,
    *,
    day_start: datetime | None = None,
    general_share: float = GENERAL_SHARE,
) -> Network:
    """The sample network for the day starting at `day_start` (default 2026-11-27 Tehran)."""
    day_start = day_start or DEFAULT_DAY_START
    if day_start.tzinfo is None:
        raise ValueError("day_start must carry a timezone")
    rng = random.Random(seed)
    services = service_catalog()
    licences = []
    for number in range(1, offices + 1):
        agency = None if rng.random() < general_share else rng.choice(AGENCIES)
        city = _weighted_city(rng, PROVINCES)
        licences.append(_licence(rng, number, agency, city, day_start, services))
    schedule = _schedule(rng, licences, day_start)
    return Network(seed, day_start, services, PROVINCES, tuple(licences), tuple(schedule))


def main(argv: list[str] | None = None) -> int:
    """`python -m sim.network --out DIR`: write the sample network and a day of requests."""
    import argparse
    from pathlib import Path

    from sim.files import write_all
    from sim.requests import daily_requests

    parser = argparse.ArgumentParser(prog="python -m sim.network", description=main.__doc__)
    parser.add_argument("--out", required=True, type=Path, help="directory to write to")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="network seed")
    parser.add_argument("--offices", type=int, default=300, help="number of offices")
    parser.add_argument("--requests", type=int, default=5000, help="requests in the day")
    parser.add_argument("--request-seed", type=int, default=1, help="seed of the requests")
    parser.add_argument(
        "--day",
        type=datetime.fromisoformat,
        help="day start with offset (default 2026-11-27 +03:30)",
    )
    parser.add_argument("--csv", action="store_true", help="also write requests.csv")
    args = parser.parse_args(argv)
    network = build_network(args.seed, args.offices, day_start=args.day)
    requests = daily_requests(network, network.day_start, args.requests, args.request_seed)
    for name, count in write_all(args.out, network, requests, with_csv=args.csv).items():
        print(f"{args.out / name}: {count} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
