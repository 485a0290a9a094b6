"""What one routing decision costs, and how that grows with the number of offices.

    python bench/decision_cost.py [--quick] [--seed N]

Builds synthetic registries (1k / 10k / 100k offices over 31 provinces x 10 cities,
500 services of 20 agencies) with a fixed seed, times `router.decide` on random
requests, and in the same run times a naive baseline: a linear scan over every office
applying the same eligibility rules (`router.eligibility.first_failure`) and the
same ranking (`router.selection.rank_candidates`). Both must choose the same office.
Prints a table and writes bench/results/decision_cost.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from router import (  # noqa: E402
    CURRENT_POLICY,
    Catalog,
    IssueLicence,
    OfficeKind,
    OfficeRegistry,
    Policy,
    Reach,
    Region,
    RoutingRequest,
    Scope,
    Service,
    SuspendLicence,
    decide,
)
from router.eligibility import RuleContext, first_failure  # noqa: E402
from router.regions import TIERS, tier_between  # noqa: E402
from router.selection import rank_candidates  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
PROVINCES, CITIES, AGENCIES, SERVICES, BRANCHES = 31, 10, 20, 500, ("judicial", "social", "tax")
RESULTS = ROOT / "bench" / "results" / "decision_cost.json"


@dataclass(frozen=True, slots=True)
class World:
    catalog: Catalog
    registry: OfficeRegistry
    load: dict[str, int]
    requests: list[RoutingRequest]


def _regions(cities_per_province: int = CITIES) -> list[Region]:
    return [
        Region(f"P{p:02d}", f"P{p:02d}-C{c}")
        for p in range(PROVINCES)
        for c in range(cities_per_province)
    ]


#: Offices per city when the geography grows with the network (about a city's worth).
DENSITY = 32


def cities_for(offices: int, geography: str) -> int:
    """Cities per province: fixed (310 cities) or growing with the network (constant density)."""
    if geography == "fixed":
        return CITIES
    return max(1, round(offices / DENSITY / PROVINCES))


def _service(rng: random.Random, i: int) -> Service:
    reach = rng.choices(list(Reach), weights=(1, 3, 6))[0]
    return Service(
        code=f"S{i:03d}",
        agency=f"AG{rng.randrange(AGENCIES):02d}",
        delegated_to_general=rng.random() < 0.7,
        branch=rng.choice(BRANCHES) if rng.random() < 0.1 else None,
        inquiries=(),
        acceptance_sla=timedelta(hours=1),
        fulfilment_sla=timedelta(days=3),
        inquiry_sla=timedelta(hours=4),
        reach=reach,
    )


def _office(rng: random.Random, i: int, region: Region, services: list[Service]) -> IssueLicence:
    """35% general for all delegated, 15% general listing 10 services, 35% agency for all
    of its agency, 15% agency listing 5 of its services; 3% expired; capacity 5..50."""
    roll, agency = rng.random(), f"AG{rng.randrange(AGENCIES):02d}"
    general = roll < 0.5
    listed = 0.35 <= roll < 0.5 or roll >= 0.85
    own = [s.code for s in services if s.agency == agency] or [services[0].code]
    codes = (
        rng.sample([s.code for s in services], 10) if general else rng.sample(own, min(5, len(own)))
    )
    expired = rng.random() < 0.03
    return IssueLicence(
        office_id=f"O{i:06d}",
        licence_id=f"L{i:06d}",
        kind=OfficeKind.GENERAL if general else OfficeKind.AGENCY,
        agency=None if general else agency,
        scope=Scope(
            frozenset(codes if listed else ()),
            not listed,
            frozenset(b for b in BRANCHES if rng.random() < 0.2),
        ),
        region=region,
        valid_from=NOW - timedelta(days=400),
        valid_to=NOW - timedelta(days=1) if expired else NOW + timedelta(days=365),
        capacity=rng.randint(5, 50),
    )


def build_world(offices: int, decisions: int, seed: int, geography: str = "fixed") -> World:
    rng = random.Random(seed)
    services = [_service(rng, i) for i in range(SERVICES)]
    regions = _regions(cities_for(offices, geography))
    registry = OfficeRegistry()
    load: dict[str, int] = {}
    for i in range(offices):
        licence = registry.apply(_office(rng, i, rng.choice(regions), services))
        if rng.random() < 0.02:
            registry.apply(SuspendLicence(licence.office_id, "inspection"))
        if rng.random() < 0.7:
            load[licence.office_id] = rng.randint(0, licence.capacity)
    requests = [
        RoutingRequest(
            request_id=f"R{seed}-{offices}-{n}",
            service_code=rng.choice(services).code,
            region=rng.choice(regions),
            submitted_at=NOW + timedelta(seconds=n),
            preferred_office=f"O{rng.randrange(offices):06d}" if rng.random() < 0.1 else None,
        )
        for n in range(decisions)
    ]
    return World(Catalog.of(*services), registry, load, requests)


def naive_choice(
    request: RoutingRequest,
    catalog: Catalog,
    registry: OfficeRegistry,
    load: Mapping[str, int],
    policy: Policy,
) -> str | None:
    """Scan every office with the router's own rules; same preference and tier order."""
    ctx = RuleContext(request, catalog.require(request.service_code), load)
    preferred = registry.get(request.preferred_office or "")
    if preferred is not None and first_failure(ctx, preferred) is None:
        return preferred.office_id
    eligible = [
        (lic, tier_between(request.region, lic.region))
        for lic in registry
        if lic.office_id != request.preferred_office and first_failure(ctx, lic) is None
    ]
    if not eligible:
        return None
    nearest = min(TIERS.index(tier) for _, tier in eligible)
    pool = [(lic, tier) for lic, tier in eligible if TIERS.index(tier) == nearest]
    return rank_candidates(request.request_id, pool, load, policy)[0].office_id


def _time(
    choose: Callable[[RoutingRequest], str | None], requests: Sequence[RoutingRequest]
) -> tuple[list[float], list[str | None]]:
    micros, chosen = [], []
    for request in requests:
        start = time.perf_counter_ns()
        office = choose(request)
        micros.append((time.perf_counter_ns() - start) / 1000)
        chosen.append(office)
    return micros, chosen


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(
    offices: int, decisions: int, naive_decisions: int, seed: int, geography: str = "fixed"
) -> dict[str, object]:
    built = time.perf_counter()
    world = build_world(offices, decisions, seed, geography)
    build_s = time.perf_counter() - built
    w, policy = world, CURRENT_POLICY
    considered: list[int] = []

    def indexed(request: RoutingRequest) -> str | None:
        decision = decide(request, w.catalog, w.registry, w.load, policy)
        considered.append(len(decision.candidates) + len(decision.exclusions))
        return decision.office_id

    def naive(request: RoutingRequest) -> str | None:
        return naive_choice(request, w.catalog, w.registry, w.load, policy)

    for request in w.requests[:50]:  # warm caches (service JSON, policy JSON)
        indexed(request)
    considered.clear()
    fast, fast_chosen = _time(indexed, w.requests)
    slow, slow_chosen = _time(naive, w.requests[:naive_decisions])
    agree = fast_chosen[:naive_decisions] == slow_chosen
    p50, naive_p50 = _pct(fast, 50), _pct(slow, 50)
    return {
        "geography": geography,
        "cities": cities_for(offices, geography) * PROVINCES,
        "offices": offices,
        "decisions": decisions,
        "build_s": round(build_s, 2),
        "indexed_us_p50": round(p50, 1),
        "indexed_us_p99": round(_pct(fast, 99), 1),
        "indexed_decisions_per_s": round(decisions / (sum(fast) / 1e6)),
        "considered_offices_mean": round(statistics.fmean(considered), 1),
        "unroutable_share": round(sum(c is None for c in fast_chosen) / decisions, 3),
        "naive_decisions": naive_decisions,
        "naive_us_p50": round(naive_p50, 1),
        "naive_us_p99": round(_pct(slow, 99), 1),
        "naive_over_indexed_p50": round(naive_p50 / p50, 1),
        "same_choices_as_naive": agree,
    }


def _table(rows: list[dict[str, object]]) -> str:
    head = (
        f"{'geography':>9} {'cities':>6} {'offices':>8} {'p50 µs':>8} {'p99 µs':>8} "
        f"{'decisions/s':>12} {'considered':>10} "
        f"{'naive p50 µs':>13} {'naive/indexed':>13} {'same':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['geography']!s:>9} {r['cities']:>6} {r['offices']:>8} "
            f"{r['indexed_us_p50']:>8} {r['indexed_us_p99']:>8} "
            f"{r['indexed_decisions_per_s']:>12} {r['considered_offices_mean']:>10} "
            f"{r['naive_us_p50']:>13} {r['naive_over_indexed_p50']:>13} "
            f"{r['same_choices_as_naive']!s:>5}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run for smoke tests")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args(argv)
    plan = (
        [(1_000, 300, 30), (10_000, 300, 10)]
        if args.quick
        else [(1_000, 5_000, 300), (10_000, 5_000, 100), (100_000, 5_000, 20)]
    )
    # Two ways a network grows: denser (more offices in the same 310 cities: the cost per
    # decision follows the offices per city, since least-loaded selection must look at
    # every eligible office in the nearest tier), or wider (more cities at a constant
    # density: the index keeps the cost flat).
    rows = [
        measure(offices, n, naive_n, args.seed, geography)
        for geography in ("fixed", "growing")
        for offices, n, naive_n in plan
    ]
    print(_table(rows))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "quick": args.quick,
        "seed": args.seed,
        "policy": CURRENT_POLICY.version,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0 if all(r["same_choices_as_naive"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
